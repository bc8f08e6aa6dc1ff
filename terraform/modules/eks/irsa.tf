# IAM roles for service accounts (IRSA): the cluster's OIDC issuer as an IAM identity provider, and
# one role per controller that calls AWS, each trusted by exactly one namespace/service account.
# The chaos controller needs none: it talks to the Kubernetes API only (Chaos Mesh resources).
resource "aws_iam_openid_connect_provider" "this" {
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]

  tags = merge(var.tags, { Name = "${var.cluster_name}-irsa" })
}

locals {
  oidc_issuer = trimprefix(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://")
  # The service accounts the charts and add-ons run as (argocd/ sets the same names and annotates
  # them with these roles' ARNs, the outputs irsa_role_arns).
  irsa = {
    vpc-cni                      = { namespace = "kube-system", service_account = "aws-node" }
    ebs-csi-driver               = { namespace = "kube-system", service_account = "ebs-csi-controller-sa" }
    aws-load-balancer-controller = { namespace = "kube-system", service_account = "aws-load-balancer-controller" }
    external-secrets             = { namespace = "external-secrets", service_account = "external-secrets" }
  }
}

data "aws_iam_policy_document" "irsa_assume" {
  for_each = local.irsa

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.this.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${each.value.namespace}:${each.value.service_account}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "irsa" {
  for_each = local.irsa

  name                 = "${var.cluster_name}-${each.key}"
  description          = "IRSA: ${each.value.namespace}/${each.value.service_account} in ${var.cluster_name}"
  assume_role_policy   = data.aws_iam_policy_document.irsa_assume[each.key].json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "vpc_cni" {
  role       = aws_iam_role.irsa["vpc-cni"].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKS_CNI_Policy"
}

resource "aws_iam_role_policy_attachment" "ebs_csi_driver" {
  role       = aws_iam_role.irsa["ebs-csi-driver"].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
}

# External Secrets: read the environment's secrets (gameday/<environment>/*), nothing else.
data "aws_iam_policy_document" "external_secrets" {
  statement {
    sid       = "ReadTheEnvironmentsSecrets"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"]
    resources = var.external_secrets_secret_arns
  }

  dynamic "statement" {
    for_each = length(var.external_secrets_kms_key_arns) > 0 ? [1] : []

    content {
      sid       = "DecryptThemThroughSecretsManager"
      actions   = ["kms:Decrypt"]
      resources = var.external_secrets_kms_key_arns

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "external_secrets" {
  name   = "read-secrets"
  role   = aws_iam_role.irsa["external-secrets"].id
  policy = data.aws_iam_policy_document.external_secrets.json
}

resource "aws_iam_role_policy" "aws_load_balancer_controller" {
  name   = "aws-load-balancer-controller"
  role   = aws_iam_role.irsa["aws-load-balancer-controller"].id
  policy = data.aws_iam_policy_document.aws_load_balancer_controller.json
}

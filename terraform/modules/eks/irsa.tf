# IAM roles for service accounts (IRSA): the cluster's OIDC issuer as an IAM identity provider, and
# one role per controller that calls AWS, each trusted by exactly one namespace/service account.
# The chaos controller needs none: it talks to the Kubernetes API only (Chaos Mesh resources).
# Loki and Tempo (monitoring) read and write their own buckets (modules/observability-storage).
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
    loki                         = { namespace = "monitoring", service_account = "loki" }
    tempo                        = { namespace = "monitoring", service_account = "tempo" }
  }

  # What each monitoring role may do in S3: its buckets' objects, nothing else (Tempo tags the
  # objects it writes, Loki does not).
  object_storage = {
    loki = {
      bucket_arns    = var.loki_bucket_arns
      object_actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    }
    tempo = {
      bucket_arns    = [var.tempo_bucket_arn]
      object_actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging"]
    }
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

# Loki and Tempo: list, read, write and delete the objects of their own buckets, and use the buckets'
# key through S3 only (SSE-KMS: GenerateDataKey to write, Decrypt to read and to complete multipart
# uploads).
data "aws_iam_policy_document" "object_storage" {
  for_each = local.object_storage

  statement {
    sid       = "ListTheBuckets"
    actions   = ["s3:ListBucket"]
    resources = each.value.bucket_arns
  }

  statement {
    sid       = "ReadWriteDeleteTheirObjects"
    actions   = each.value.object_actions
    resources = [for b in each.value.bucket_arns : "${b}/*"]
  }

  statement {
    sid       = "UseTheBucketsKeyThroughS3"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.observability_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "object_storage" {
  for_each = local.object_storage

  name   = "object-storage"
  role   = aws_iam_role.irsa[each.key].id
  policy = data.aws_iam_policy_document.object_storage[each.key].json
}

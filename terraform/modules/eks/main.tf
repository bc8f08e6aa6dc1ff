# The EKS control plane: API endpoint private (public only for an allowlist), every control-plane
# log type to CloudWatch, Kubernetes Secrets envelope-encrypted with a KMS key, access through EKS
# access entries (access.tf), IRSA (irsa.tf), EKS-managed add-ons (addons.tf) and the seed-004 node
# groups (node-groups.tf).
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition      = data.aws_partition.current.partition
  account_id     = data.aws_caller_identity.current.account_id
  region         = data.aws_region.current.region
  account_root   = "arn:${local.partition}:iam::${local.account_id}:root"
  log_group_name = "/aws/eks/${var.cluster_name}/cluster"
  # Which node groups repel every pod that does not tolerate them. argocd and monitoring are
  # dedicated (seed 004); application is not tainted, so that what runs without tolerations (CoreDNS,
  # the EBS CSI controller, the AWS Load Balancer Controller, External Secrets, Chaos Mesh) has a
  # home, while gameday's own pods still pin themselves to it with required node affinity on
  # gameday.io/node-group=application (their toleration of an application taint is harmless).
  dedicated_node_groups = toset(["argocd", "monitoring"])
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:A key policy: its "*" is this key alone, and the account root statement hands its administration to IAM.
  #checkov:skip=CKV_AWS_111:A key policy: its "*" is this key alone; CloudWatch Logs may use it only for this cluster's log group (encryption context).
  #checkov:skip=CKV_AWS_356:A key policy: its "*" is this key alone, there is no other resource to name.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }

  statement {
    sid       = "CloudWatchLogsUsesItForTheControlPlaneLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"]
    }
  }
}

# Envelope encryption of Kubernetes Secrets, and the control-plane logs.
resource "aws_kms_key" "this" {
  description             = "${var.cluster_name}: EKS secrets and control-plane logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.cluster_name}-eks"
  target_key_id = aws_kms_key.this.key_id
}

# Created before the cluster so that its retention and key apply from the first line.
resource "aws_cloudwatch_log_group" "cluster" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn

  tags = var.tags
}

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name                 = "${var.cluster_name}-eks-cluster"
  assume_role_policy   = data.aws_iam_policy_document.cluster_assume.json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

data "aws_iam_policy_document" "cluster_kms" {
  statement {
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]
    resources = [aws_kms_key.this.arn]
  }
}

resource "aws_iam_role_policy" "cluster_kms" {
  name   = "secrets-encryption"
  role   = aws_iam_role.cluster.id
  policy = data.aws_iam_policy_document.cluster_kms.json
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  # vpc-cni, kube-proxy and CoreDNS come as EKS add-ons (addons.tf), not as unmanaged manifests.
  bootstrap_self_managed_addons = false

  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = length(var.public_access_cidrs) > 0
    public_access_cidrs     = length(var.public_access_cidrs) > 0 ? var.public_access_cidrs : null
  }

  encryption_config {
    resources = ["secrets"]

    provider {
      key_arn = aws_kms_key.this.arn
    }
  }

  # Standard support only: a version past it is upgraded rather than billed as extended support.
  upgrade_policy {
    support_type = "STANDARD"
  }

  tags = var.tags

  depends_on = [
    aws_cloudwatch_log_group.cluster,
    aws_iam_role_policy_attachment.cluster,
    aws_iam_role_policy.cluster_kms,
  ]
}

# The permissions boundary of every role the apply role creates (EKS cluster and nodes, IRSA
# roles, VPC flow logs, RDS monitoring): a ceiling, not a grant. A role's effective permissions are
# what both its own policies and this boundary allow, so whatever the apply role attaches, the
# roles it makes cannot touch IAM users, policies or other accounts' resources.
data "aws_iam_policy_document" "boundary" {
  #checkov:skip=CKV_AWS_111:A permissions boundary grants nothing by itself: it caps the roles the apply role creates at what EKS, its nodes, its controllers, flow logs and RDS monitoring need.
  #checkov:skip=CKV_AWS_356:A permissions boundary grants nothing by itself; the roles under it name their resources in their own policies (AWS managed policies for EKS and its add-ons use "*").
  #checkov:skip=CKV_AWS_109:A permissions boundary grants nothing by itself; it excludes every IAM write except service-linked roles.
  #checkov:skip=CKV_AWS_107:A permissions boundary grants nothing by itself; ecr:GetAuthorizationToken stays possible because nodes pull images with it.
  #checkov:skip=CKV_AWS_108:A permissions boundary grants nothing by itself; secretsmanager:GetSecretValue stays possible because External Secrets reads the environment's secrets with it (its own policy names them).
  statement {
    sid = "WhatThePlatformsRolesMayEverDo"
    actions = [
      "ec2:*",
      "elasticloadbalancing:*",
      "autoscaling:Describe*",
      "autoscaling:UpdateAutoScalingGroup",
      "autoscaling:SetDesiredCapacity",
      "autoscaling:TerminateInstanceInAutoScalingGroup",
      "eks:Describe*",
      "eks:List*",
      "eks-auth:AssumeRoleForPodIdentity",
      "ecr:GetAuthorizationToken",
      "ecr:BatchGetImage",
      "ecr:BatchCheckLayerAvailability",
      "ecr:GetDownloadUrlForLayer",
      "ecr:BatchImportUpstreamImage",
      "logs:*",
      "cloudwatch:PutMetricData",
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:DescribeKey",
      "kms:CreateGrant",
      "kms:ListGrants",
      "kms:RevokeGrant",
      "secretsmanager:GetSecretValue",
      "secretsmanager:DescribeSecret",
      "secretsmanager:ListSecretVersionIds",
      "ssm:*",
      "ssmmessages:*",
      "ec2messages:*",
      "acm:DescribeCertificate",
      "acm:ListCertificates",
      "iam:CreateServiceLinkedRole",
      "iam:GetServerCertificate",
      "iam:ListServerCertificates",
      "cognito-idp:DescribeUserPoolClient",
      "waf-regional:*",
      "wafv2:*",
      "shield:*",
      "kafka-cluster:*",
      "rds-db:connect",
    ]
    resources = ["*"]
  }

  # Loki and Tempo keep their data in the environments' buckets (their IRSA roles name their own).
  statement {
    sid = "TheEnvironmentsBucketsObjects"
    actions = [
      "s3:ListBucket",
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:GetObjectTagging",
      "s3:PutObjectTagging",
    ]
    resources = local.environment_buckets
  }
}

resource "aws_iam_policy" "boundary" {
  name        = "${var.name_prefix}-workload-boundary"
  description = "Permissions boundary of the roles terraform apply creates for the gameday environments"
  policy      = data.aws_iam_policy_document.boundary.json

  tags = var.tags
}

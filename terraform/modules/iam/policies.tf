# What each GitHub role may do.

# terraform plan: AWS's ReadOnlyAccess (a plan refreshes every resource of the platform), the
# environments' state (read; the workflow plans with -lock=false, so it never writes the lock), the
# random password the MSK module's ephemeral resource asks for during a plan, and the SCRAM secret a
# refresh reads.
resource "aws_iam_role_policy_attachment" "plan_read_only" {
  role       = aws_iam_role.github["terraform-plan"].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

data "aws_iam_policy_document" "plan" {
  statement {
    sid       = "ListTheEnvironmentsState"
    actions   = ["s3:ListBucket"]
    resources = [var.state_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.state_key_prefix}*"]
    }
  }

  statement {
    sid       = "ReadTheEnvironmentsState"
    actions   = ["s3:GetObject"]
    resources = ["${var.state_bucket_arn}/${var.state_key_prefix}*"]
  }

  statement {
    sid       = "DecryptTheState"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = [var.state_kms_key_arn]
  }

  statement {
    sid       = "EphemeralRandomPassword"
    actions   = ["secretsmanager:GetRandomPassword"]
    resources = ["*"]
  }

  # A plan refreshes aws_secretsmanager_secret_version (the MSK SCRAM credentials) with
  # GetSecretValue, even though the password is write-only in the state: the plan role may read those
  # secrets, and no other.
  statement {
    sid       = "RefreshTheMskScramSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["arn:${local.partition}:secretsmanager:${local.region}:${local.account_id}:secret:AmazonMSK_${var.name_prefix}-*"]
  }

  statement {
    sid       = "DecryptThemThroughSecretsManager"
    actions   = ["kms:Decrypt"]
    resources = ["arn:${local.partition}:kms:${local.region}:${local.account_id}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "plan" {
  name   = "terraform-state-read"
  role   = aws_iam_role.github["terraform-plan"].id
  policy = data.aws_iam_policy_document.plan.json
}

# terraform apply: the services the environments are made of, in this region, and their S3 buckets
# (<prefix>-<environment>-*); IAM only for roles named <prefix>-* that carry the workload boundary;
# never the bootstrap's own roles, boundary, state bucket, keys or repositories.
data "aws_iam_policy_document" "apply" {
  #checkov:skip=CKV_AWS_111:The apply role creates the VPC, EKS, RDS and MSK of an environment: their ARNs do not exist before it names them. Writes are limited to this region, IAM writes to <prefix>-* roles with the workload boundary, and the bootstrap's resources are denied.
  #checkov:skip=CKV_AWS_356:ec2, eks, rds, kafka, logs and kms resources are created by this role, so there is no ARN to name beforehand; aws:RequestedRegion limits them to the platform's region.
  #checkov:skip=CKV_AWS_109:kms:PutKeyPolicy and kms:CreateGrant are needed for the keys each module creates; the bootstrap's keys are denied explicitly, and IAM role writes require the workload boundary.
  statement {
    sid = "BuildThePlatformInThisRegion"
    actions = [
      "ec2:*",
      "eks:*",
      "rds:*",
      "kafka:*",
      "logs:*",
      "kms:*",
      "autoscaling:*",
      "cloudwatch:*",
      "ecr:Describe*",
      "ecr:List*",
      "secretsmanager:GetRandomPassword",
      "secretsmanager:ListSecrets",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  statement {
    sid     = "TheSecretsOfMskAndRds"
    actions = ["secretsmanager:*"]
    resources = [
      "arn:${local.partition}:secretsmanager:${local.region}:${local.account_id}:secret:AmazonMSK_${var.name_prefix}-*",
      "arn:${local.partition}:secretsmanager:${local.region}:${local.account_id}:secret:rds!*",
    ]
  }

  statement {
    sid       = "ReadIam"
    actions   = ["iam:Get*", "iam:List*", "sts:GetCallerIdentity"]
    resources = ["*"]
  }

  statement {
    sid = "WorkloadRolesCarryTheBoundary"
    actions = [
      "iam:CreateRole",
      "iam:PutRolePermissionsBoundary",
      "iam:AttachRolePolicy",
      "iam:DetachRolePolicy",
      "iam:PutRolePolicy",
      "iam:DeleteRolePolicy",
    ]
    resources = ["${local.iam_prefix}:role/${var.name_prefix}-*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
  }

  statement {
    sid = "ManageWorkloadRoles"
    actions = [
      "iam:DeleteRole",
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
      "iam:UpdateAssumeRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
    ]
    resources = ["${local.iam_prefix}:role/${var.name_prefix}-*"]
  }

  statement {
    sid       = "PassWorkloadRolesToTheirServices"
    actions   = ["iam:PassRole"]
    resources = ["${local.iam_prefix}:role/${var.name_prefix}-*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["eks.amazonaws.com", "ec2.amazonaws.com", "vpc-flow-logs.amazonaws.com", "rds.amazonaws.com", "monitoring.rds.amazonaws.com"]
    }
  }

  statement {
    sid = "ClusterIdentityProviders"
    actions = [
      "iam:CreateOpenIDConnectProvider",
      "iam:DeleteOpenIDConnectProvider",
      "iam:TagOpenIDConnectProvider",
      "iam:UntagOpenIDConnectProvider",
      "iam:UpdateOpenIDConnectProviderThumbprint",
      "iam:AddClientIDToOpenIDConnectProvider",
      "iam:RemoveClientIDFromOpenIDConnectProvider",
    ]
    resources = ["${local.iam_prefix}:oidc-provider/oidc.eks.${local.region}.amazonaws.com/*"]
  }

  statement {
    sid       = "ServiceLinkedRoles"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values = [
        "eks.amazonaws.com",
        "eks-nodegroup.amazonaws.com",
        "rds.amazonaws.com",
        "kafka.amazonaws.com",
        "autoscaling.amazonaws.com",
        "elasticloadbalancing.amazonaws.com",
      ]
    }
  }

  # The environments' own buckets (Loki's and Tempo's), <prefix>-<environment>-*: not the
  # bootstrap's <prefix>-terraform-state*.
  statement {
    sid       = "TheEnvironmentsBuckets"
    actions   = ["s3:*"]
    resources = local.environment_buckets
  }

  statement {
    sid       = "ListTheEnvironmentsState"
    actions   = ["s3:ListBucket"]
    resources = [var.state_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.state_key_prefix}*"]
    }
  }

  statement {
    sid       = "ReadWriteAndLockTheEnvironmentsState"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.state_bucket_arn}/${var.state_key_prefix}*"]
  }

  statement {
    sid       = "EncryptTheState"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.state_kms_key_arn]
  }

  statement {
    sid    = "NeverTheBootstrapsIdentities"
    effect = "Deny"
    actions = [
      "iam:*",
    ]
    resources = [
      "${local.iam_prefix}:role/${var.name_prefix}-github-*",
      local.boundary_arn,
      "${local.iam_prefix}:oidc-provider/${local.github_host}",
    ]
  }

  statement {
    sid       = "NeverDropTheBoundary"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary", "iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:CreateUser", "iam:CreateAccessKey"]
    resources = ["*"]
  }

  statement {
    sid    = "NeverTheStateBucketsSettings"
    effect = "Deny"
    actions = [
      "s3:DeleteBucket",
      "s3:PutBucketPolicy",
      "s3:DeleteBucketPolicy",
      "s3:PutBucketVersioning",
      "s3:PutLifecycleConfiguration",
      "s3:PutEncryptionConfiguration",
      "s3:PutBucketPublicAccessBlock",
      "s3:PutBucketOwnershipControls",
    ]
    resources = [var.state_bucket_arn]
  }

  statement {
    sid       = "NeverTheBootstrapsKeys"
    effect    = "Deny"
    actions   = ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:DisableKeyRotation", "kms:UpdateAlias", "kms:DeleteAlias"]
    resources = concat([var.state_kms_key_arn], var.protected_kms_key_arns)
  }

  statement {
    sid       = "NeverTheRepositories"
    effect    = "Deny"
    actions   = ["ecr:DeleteRepository", "ecr:DeleteRepositoryPolicy", "ecr:SetRepositoryPolicy", "ecr:PutImageTagMutability", "ecr:DeleteLifecyclePolicy", "ecr:BatchDeleteImage"]
    resources = var.ecr_repository_arns
  }
}

resource "aws_iam_role_policy" "apply" {
  name   = "build-the-platform"
  role   = aws_iam_role.github["terraform-apply"].id
  policy = data.aws_iam_policy_document.apply.json
}

# image push: a registry login, then push (and read back, for Trivy) in the gameday/* repositories.
data "aws_iam_policy_document" "image_push" {
  statement {
    sid       = "RegistryLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PushAndReadTheImages"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload",
      "ecr:PutImage",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
      "ecr:DescribeImages",
      "ecr:DescribeRepositories",
      "ecr:ListImages",
    ]
    resources = var.ecr_repository_arns
  }
}

resource "aws_iam_role_policy" "image_push" {
  name   = "push-images"
  role   = aws_iam_role.github["image-push"].id
  policy = data.aws_iam_policy_document.image_push.json
}

# game day: find the clusters; what it may do inside is RBAC's (access entry, group <prefix>:chaos-operators).
data "aws_iam_policy_document" "gameday" {
  statement {
    sid       = "DescribeTheClusters"
    actions   = ["eks:DescribeCluster"]
    resources = ["arn:${local.partition}:eks:${local.region}:${local.account_id}:cluster/${var.name_prefix}-*"]
  }
}

resource "aws_iam_role_policy" "gameday" {
  name   = "find-the-clusters"
  role   = aws_iam_role.github["gameday"].id
  policy = data.aws_iam_policy_document.gameday.json
}

# GitHub Actions' way into the account: the token.actions.githubusercontent.com identity provider
# and one role per workflow job, each trusted only for its subject (the `sub` claim):
#   terraform-plan   repo:<owner>/<name>:pull_request                    read-only, reads the state
#   terraform-apply  repo:<owner>/<name>:environment:prod-infrastructure  builds the platform
#   image-push       repo:<owner>/<name>:ref:refs/heads/main              pushes to gameday/* only
#   gameday          repo:<owner>/<name>:ref:refs/heads/main              kubectl into the clusters
# plus the permissions boundary every role the apply role creates must carry, so that the apply
# role cannot mint a role more powerful than the platform needs.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition    = data.aws_partition.current.partition
  account_id   = data.aws_caller_identity.current.account_id
  region       = data.aws_region.current.region
  iam_prefix   = "arn:${local.partition}:iam::${local.account_id}"
  github_host  = "token.actions.githubusercontent.com"
  oidc_arn     = var.github_oidc_provider_arn != null ? var.github_oidc_provider_arn : aws_iam_openid_connect_provider.github[0].arn
  boundary_arn = "${local.iam_prefix}:policy/${var.name_prefix}-workload-boundary"
  # The environments' buckets (Loki's and Tempo's: modules/observability-storage) and their objects;
  # never the bootstrap's <prefix>-terraform-state*.
  environment_buckets = [for e in var.environments : "arn:${local.partition}:s3:::${var.name_prefix}-${e}-*"]

  roles = {
    terraform-plan = {
      subject     = "repo:${var.github_repository}:pull_request"
      description = "terraform plan on pull requests: read-only"
      max_session = 3600
    }
    terraform-apply = {
      subject     = "repo:${var.github_repository}:environment:${var.apply_environment}"
      description = "terraform apply on ${var.main_branch}, behind the ${var.apply_environment} environment's approval"
      # EKS and MSK take 15 to 40 minutes to create: the workflow may ask for up to two hours.
      max_session = 7200
    }
    image-push = {
      subject     = "repo:${var.github_repository}:ref:refs/heads/${var.main_branch}"
      description = "push images to the ${var.name_prefix}/* repositories"
      max_session = 3600
    }
    gameday = {
      subject     = "repo:${var.github_repository}:ref:refs/heads/${var.main_branch}"
      description = "the game-day workflow: kubectl into the ${var.name_prefix}-* clusters (RBAC group ${var.name_prefix}:chaos-operators)"
      # .github/workflows/gameday.yml asks for four hours (role-duration-seconds: 14400).
      max_session = 14400
    }
  }
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.github_oidc_provider_arn == null ? 1 : 0

  url            = "https://${local.github_host}"
  client_id_list = ["sts.amazonaws.com"]

  tags = merge(var.tags, { Name = "github-actions" })
}

data "aws_iam_policy_document" "github_assume" {
  for_each = local.roles

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_host}:sub"
      values   = [each.value.subject]
    }
  }
}

resource "aws_iam_role" "github" {
  for_each = local.roles

  name                 = "${var.name_prefix}-github-${each.key}"
  description          = "GitHub Actions (${var.github_repository}): ${each.value.description}"
  assume_role_policy   = data.aws_iam_policy_document.github_assume[each.key].json
  max_session_duration = each.value.max_session

  tags = var.tags
}

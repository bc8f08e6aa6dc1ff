# One private repository per image, gameday/<name>: tags immutable (an image tag
# <service>-DDMMYYYY-HHMM-<sha> names one build forever; cosign v3 attaches signatures and SBOM
# attestations as OCI 1.1 referrers, which ECR stores without tags), scanned on push, encrypted with
# a key of its own, and a lifecycle that keeps the newest tagged images and drops untagged ones.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

# The account's administrators manage the key through IAM; ECR uses it through grants it creates
# when a repository is created, so pushers and pullers need no key permissions of their own.
data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:A key policy: its "*" is this key alone, and the account root statement hands its administration to IAM.
  #checkov:skip=CKV_AWS_111:A key policy: its "*" is this key alone, and the account root statement hands its administration to IAM.
  #checkov:skip=CKV_AWS_356:A key policy: its "*" is this key alone, there is no other resource to name.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.namespace}: ECR repositories"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.namespace}-ecr"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_ecr_repository" "this" {
  for_each = toset(var.repositories)

  name                 = "${var.namespace}/${each.value}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = false

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.this.arn
  }

  tags = var.tags
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Untagged images go after ${var.untagged_expiry_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_expiry_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the newest ${var.keep_tagged_images} tagged images"
        selection = {
          tagStatus      = "tagged"
          tagPatternList = ["*"]
          countType      = "imageCountMoreThan"
          countNumber    = var.keep_tagged_images
        }
        action = { type = "expire" }
      },
    ]
  })
}

# Object storage of the environment's monitoring stack (argocd/values/loki.yaml, tempo.yaml): Loki's
# chunks and index, Loki's ruler, Tempo's trace blocks. Each bucket is private (public access
# blocked, BucketOwnerEnforced), TLS 1.2+ only, versioned, encrypted with a customer managed key of
# the environment's own (yearly rotation, S3 bucket keys), and expires what Loki and Tempo no longer
# serve a few days after their retention. Who may use the buckets is the IRSA roles' business
# (modules/eks/irsa.tf: gameday-<env>-loki, gameday-<env>-tempo), given the ARNs this module outputs.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  # expiration_days null: objects never expire (the ruler bucket holds rule groups, configuration
  # rather than data).
  buckets = {
    loki-chunks = { expiration_days = var.log_retention_days + var.expiry_margin_days, what = "Loki chunks and index" }
    loki-ruler  = { expiration_days = null, what = "Loki ruler rule groups" }
    tempo       = { expiration_days = var.trace_retention_days + var.expiry_margin_days, what = "Tempo trace blocks" }
  }
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:A key policy: its "*" is this key alone, and the account root statement hands its administration to IAM (the IRSA roles' own policies name the key).
  #checkov:skip=CKV_AWS_111:A key policy: its "*" is this key alone, and the account root statement hands its use to IAM policies that name it.
  #checkov:skip=CKV_AWS_356:A key policy: its "*" is this key alone, there is no other resource to name.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: Loki and Tempo object storage"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-observability"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:The environments have no access-log bucket (the bootstrap's takes the state bucket's logs only), and Loki and Tempo read, write and delete objects all day: their access logs would be mostly their own traffic, at a cost near the data's. Only the two IRSA roles may use the objects; CloudTrail's event history keeps the bucket-level calls.
  #checkov:skip=CKV_AWS_144:One region: logs and traces describe the cluster in this region and are kept for weeks; a replica elsewhere would double the cost for data that is rebuilt by running.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events of these buckets: Loki and Tempo list them themselves.
  for_each = local.buckets

  bucket = "${var.name}-${each.key}"

  tags = merge(var.tags, { Name = "${var.name}-${each.key}", Contents = each.value.what })
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    # Loki and Tempo put and get many small objects: bucket keys spare a KMS call per object.
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = local.buckets

  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# Loki's and Tempo's compactors delete data past their retention; the lifecycle is the backstop, a
# few days later (expiry_margin_days), so it never removes what they still serve. With versioning on,
# a deleted object becomes a noncurrent version, kept noncurrent_version_days. S3 removes the
# delete markers left behind once they are as old as the expiration (the ruler bucket, which does
# not expire its objects, says so explicitly).
resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    id     = each.value.expiration_days == null ? "keep-rules-drop-old-versions" : "expire-after-retention"
    status = "Enabled"

    filter {}

    expiration {
      days                         = each.value.expiration_days
      expired_object_delete_marker = each.value.expiration_days == null ? true : null
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

data "aws_iam_policy_document" "bucket" {
  for_each = local.buckets

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this[each.key].arn, "${aws_s3_bucket.this[each.key].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "DenyTlsOlderThan12"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this[each.key].arn, "${aws_s3_bucket.this[each.key].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id
  policy = data.aws_iam_policy_document.bucket[each.key].json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

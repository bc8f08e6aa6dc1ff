# The services' SASL/SCRAM credentials: a Secrets Manager secret (MSK requires the AmazonMSK_ name
# prefix and a customer managed key) whose password is generated at apply time and written
# write-only, so it is never in the Terraform state. External Secrets hands it to the pods.
resource "aws_secretsmanager_secret" "scram" {
  #checkov:skip=CKV2_AWS_57:MSK SCRAM secrets cannot rotate with a Secrets Manager rotation function (MSK reads them on association); bump scram_password_version to rotate.
  name                    = "AmazonMSK_${var.cluster_name}_${var.scram_username}"
  description             = "${var.cluster_name}: SASL/SCRAM credentials of the gameday services"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = 7

  tags = var.tags
}

ephemeral "aws_secretsmanager_random_password" "scram" {
  password_length     = 40
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret_version" "scram" {
  secret_id = aws_secretsmanager_secret.scram.id
  secret_string_wo = jsonencode({
    username = var.scram_username
    password = ephemeral.aws_secretsmanager_random_password.scram.random_password
  })
  secret_string_wo_version = var.scram_password_version
}

data "aws_iam_policy_document" "scram" {
  statement {
    sid       = "MskReadsTheCredentials"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.scram.arn]

    principals {
      type        = "Service"
      identifiers = ["kafka.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_secretsmanager_secret_policy" "scram" {
  secret_arn = aws_secretsmanager_secret.scram.arn
  policy     = data.aws_iam_policy_document.scram.json
}

resource "aws_msk_scram_secret_association" "this" {
  cluster_arn     = aws_msk_cluster.this.arn
  secret_arn_list = [aws_secretsmanager_secret.scram.arn]

  depends_on = [aws_secretsmanager_secret_version.scram, aws_secretsmanager_secret_policy.scram]
}

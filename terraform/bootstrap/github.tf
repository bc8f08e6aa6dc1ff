# Account-wide pieces both environments share, so they live here rather than in envs/<env>: the
# ECR repositories (one registry; an image is promoted from staging to prod by its tag) and GitHub
# Actions' identity provider and roles (an account has one provider per URL, and the apply role has
# to exist before any workflow can apply anything).
module "ecr" {
  source = "../modules/ecr"

  keep_tagged_images = var.ecr_keep_tagged_images
}

module "iam" {
  source = "../modules/iam"

  github_repository        = var.github_repository
  github_oidc_provider_arn = var.github_oidc_provider_arn
  state_bucket_arn         = aws_s3_bucket.state.arn
  state_kms_key_arn        = aws_kms_key.state.arn
  ecr_repository_arns      = values(module.ecr.repository_arns)
  protected_kms_key_arns   = [module.ecr.kms_key_arn]
}

# This environment's state: the bootstrap's bucket, its own key, Terraform's native S3 lock file
# (Terraform 1.11+, no DynamoDB table) and SSE-KMS with the bootstrap's state key.
terraform {
  backend "s3" {
    bucket       = "gameday-terraform-state"
    key          = "envs/prod/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    kms_key_id   = "alias/gameday-terraform-state"
    use_lockfile = true
  }
}

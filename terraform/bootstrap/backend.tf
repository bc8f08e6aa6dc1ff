# The bootstrap's own state, in the bucket it creates. The very first apply cannot use it (the bucket
# does not exist yet): it runs with a local_override.tf holding `terraform { backend "local" {} }`,
# then `terraform init -migrate-state` moves the state here (terraform/README.md, step by step).
# bucket, region and kms_key_id must match variables.tf (a test checks that they do).
terraform {
  backend "s3" {
    bucket       = "gameday-terraform-state"
    key          = "bootstrap/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    kms_key_id   = "alias/gameday-terraform-state"
    use_lockfile = true
  }
}

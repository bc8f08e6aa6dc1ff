output "state_bucket" {
  description = "The Terraform state bucket (bucket in every backend.tf)."
  value       = aws_s3_bucket.state.id
}

output "state_kms_key_arn" {
  description = "The state's KMS key (kms_key_id in the backends names its alias)."
  value       = aws_kms_key.state.arn
}

output "state_kms_key_alias" {
  description = "The state key's alias, as the backends name it."
  value       = aws_kms_alias.state.name
}

output "access_log_bucket" {
  description = "Where the state bucket's access logs go."
  value       = aws_s3_bucket.logs.id
}

output "ecr_repository_urls" {
  description = "ECR repository URL by image name."
  value       = module.ecr.repository_urls
}

output "ecr_registry" {
  description = "The registry host (images.yml logs in to it)."
  value       = module.ecr.registry
}

output "github_roles" {
  description = "The role ARNs to set as GitHub repository variables, by variable name."
  value = {
    AWS_TERRAFORM_PLAN_ROLE_ARN  = module.iam.terraform_plan_role_arn
    AWS_TERRAFORM_APPLY_ROLE_ARN = module.iam.terraform_apply_role_arn
    AWS_IMAGE_PUSH_ROLE_ARN      = module.iam.image_push_role_arn
    AWS_GAMEDAY_ROLE_ARN         = module.iam.gameday_role_arn
  }
}

output "workload_boundary_arn" {
  description = "The permissions boundary the environments put on the roles they create."
  value       = module.iam.workload_boundary_arn
}

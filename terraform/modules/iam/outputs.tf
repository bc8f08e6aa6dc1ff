output "github_oidc_provider_arn" {
  description = "The token.actions.githubusercontent.com identity provider."
  value       = local.oidc_arn
}

output "terraform_plan_role_arn" {
  description = "Repository variable AWS_TERRAFORM_PLAN_ROLE_ARN (.github/workflows/terraform.yml, plan)."
  value       = aws_iam_role.github["terraform-plan"].arn
}

output "terraform_apply_role_arn" {
  description = "Repository variable AWS_TERRAFORM_APPLY_ROLE_ARN (.github/workflows/terraform.yml, apply)."
  value       = aws_iam_role.github["terraform-apply"].arn
}

output "image_push_role_arn" {
  description = "Repository variable AWS_IMAGE_PUSH_ROLE_ARN (.github/workflows/images.yml)."
  value       = aws_iam_role.github["image-push"].arn
}

output "gameday_role_arn" {
  description = "Repository variable AWS_GAMEDAY_ROLE_ARN (.github/workflows/gameday.yml); the environments give it an EKS access entry."
  value       = aws_iam_role.github["gameday"].arn
}

output "workload_boundary_arn" {
  description = "The permissions boundary the environments put on every role they create."
  value       = aws_iam_policy.boundary.arn
}

output "repository_urls" {
  description = "Repository URL by image name (<account>.dkr.ecr.<region>.amazonaws.com/gameday/<name>)."
  value       = { for name, repo in aws_ecr_repository.this : name => repo.repository_url }
}

output "repository_arns" {
  description = "Repository ARN by image name."
  value       = { for name, repo in aws_ecr_repository.this : name => repo.arn }
}

output "registry" {
  description = "The registry host the images are pushed to."
  value       = split("/", values(aws_ecr_repository.this)[0].repository_url)[0]
}

output "kms_key_arn" {
  description = "The repositories' encryption key."
  value       = aws_kms_key.this.arn
}

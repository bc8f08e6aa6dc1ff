output "endpoint" {
  description = "host:port of the primary (the DATABASE_URL of each service's secret points here)."
  value       = aws_db_instance.this.endpoint
}

output "address" {
  description = "The primary's host name."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "The PostgreSQL port."
  value       = aws_db_instance.this.port
}

output "master_user_secret_arn" {
  description = "The Secrets Manager secret RDS keeps the master user's password in (for the operator creating each service's database and user)."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "security_group_id" {
  description = "The instance's security group."
  value       = aws_security_group.this.id
}

output "kms_key_arn" {
  description = "The key of the storage, Performance Insights, the master secret and the logs."
  value       = aws_kms_key.this.arn
}

output "resource_id" {
  description = "The DbiResourceId, for rds-db:connect policies (IAM database authentication)."
  value       = aws_db_instance.this.resource_id
}

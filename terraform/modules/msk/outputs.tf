output "cluster_arn" {
  description = "The MSK cluster's ARN."
  value       = aws_msk_cluster.this.arn
}

output "bootstrap_brokers_sasl_scram" {
  description = "host:9096 of each broker, comma-separated: what the services' KAFKA_BROKERS holds (deploy/src/environments.ts)."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_scram
}

output "bootstrap_brokers_sasl_iam" {
  description = "host:9098 of each broker: for tools that authenticate with IAM."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_iam
}

output "scram_secret_arn" {
  description = "The Secrets Manager secret with the services' SCRAM username and password."
  value       = aws_secretsmanager_secret.scram.arn
}

output "security_group_id" {
  description = "The brokers' security group."
  value       = aws_security_group.this.id
}

output "kms_key_arn" {
  description = "The key of the data at rest, the broker logs and the SCRAM secret."
  value       = aws_kms_key.this.arn
}

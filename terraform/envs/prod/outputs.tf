# What Argo CD and the manifests need (deploy/src/environments.ts, the Helm values under argocd/):
# `terraform output -json` in this folder.
output "environment" {
  description = "The environment's name."
  value       = local.environment
}

output "region" {
  description = "The AWS region."
  value       = local.region
}

output "cluster_name" {
  description = "The EKS cluster (aws eks update-kubeconfig --name <cluster_name> --region <region>)."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "The EKS API server's endpoint."
  value       = module.eks.cluster_endpoint
}

output "vpc_id" {
  description = "The VPC (the AWS Load Balancer Controller's --aws-vpc-id)."
  value       = module.vpc.vpc_id
}

output "vpc_cidr" {
  description = "The VPC's CIDR (environments.ts vpcCidr)."
  value       = module.vpc.vpc_cidr
}

output "data_subnet_cidrs" {
  description = "The data subnets' CIDRs, where RDS and MSK live (environments.ts dataCidrs)."
  value       = module.vpc.data_subnet_cidrs
}

output "rds_endpoint" {
  description = "PostgreSQL's host:port (each service's DATABASE_URL)."
  value       = module.rds.endpoint
}

output "rds_address" {
  description = "PostgreSQL's host name (environments.ts rdsHost: the chaos catalogue's postgres target)."
  value       = module.rds.address
}

output "rds_master_user_secret_arn" {
  description = "The secret holding the RDS master password (to create each service's database and user)."
  value       = module.rds.master_user_secret_arn
}

output "msk_bootstrap_brokers_sasl_scram" {
  description = "Kafka's brokers on 9096, SASL/SCRAM over TLS (environments.ts kafkaBrokers)."
  value       = module.msk.bootstrap_brokers_sasl_scram
}

output "msk_bootstrap_brokers_sasl_iam" {
  description = "Kafka's brokers on 9098, IAM over TLS."
  value       = module.msk.bootstrap_brokers_sasl_iam
}

output "msk_scram_secret_arn" {
  description = "The services' Kafka SCRAM credentials (External Secrets may read it)."
  value       = module.msk.scram_secret_arn
}

output "ecr_repository_urls" {
  description = "ECR repository URL by image name (the bootstrap's repositories)."
  value       = { for r in local.repositories : trimprefix(r, "gameday/") => "${local.registry}/${r}" }
}

output "irsa_role_arns" {
  description = "IRSA role ARN by controller (eks.amazonaws.com/role-arn of its service account)."
  value       = module.eks.irsa_role_arns
}

output "irsa_service_accounts" {
  description = "The namespace/service account each IRSA role trusts."
  value       = module.eks.irsa_service_accounts
}

output "loki_buckets" {
  description = "Loki's S3 buckets, chunks and ruler (argocd/values/loki.yaml loki.storage.bucketNames)."
  value       = module.observability_storage.loki_buckets
}

output "tempo_bucket" {
  description = "Tempo's S3 bucket (argocd/values/tempo.yaml tempo.storage.trace.s3.bucket)."
  value       = module.observability_storage.tempo_bucket
}

output "node_groups" {
  description = "Each node group's label and taint, for the manifests' affinity and tolerations."
  value       = module.eks.node_groups
}

# One environment of the platform: its VPC, EKS cluster, RDS PostgreSQL, MSK Kafka and the S3
# buckets of its monitoring stack (Loki, Tempo). The ECR
# repositories, the GitHub roles and the workload permissions boundary are the account's, made
# once by terraform/bootstrap and looked up here. The same file in staging and prod: what differs is
# in settings.tf.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

data "aws_iam_policy" "workload_boundary" {
  name = "gameday-workload-boundary"
}

data "aws_iam_role" "gameday" {
  name = "gameday-github-gameday"
}

data "aws_ecr_repositories" "all" {}

locals {
  name      = "gameday-${local.environment}"
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  # The services' secrets, one per service, created by the operator (terraform/README.md).
  app_secrets_arn = "arn:${local.partition}:secretsmanager:${local.region}:${local.account}:secret:gameday/${local.environment}/*"
  registry        = "${local.account}.dkr.ecr.${local.region}.amazonaws.com"
  repositories    = [for r in data.aws_ecr_repositories.all.names : r if startswith(r, "gameday/")]
}

module "vpc" {
  source = "../../modules/vpc"

  name                     = local.name
  cidr                     = local.network.cidr
  azs                      = local.azs
  public_subnet_cidrs      = local.network.public_subnet_cidrs
  private_subnet_cidrs     = local.network.private_subnet_cidrs
  data_subnet_cidrs        = local.network.data_subnet_cidrs
  nat_gateway_per_az       = local.network.nat_gateway_per_az
  eks_cluster_name         = local.name
  permissions_boundary_arn = data.aws_iam_policy.workload_boundary.arn
}

module "eks" {
  source = "../../modules/eks"

  cluster_name        = local.name
  kubernetes_version  = local.eks.kubernetes_version
  subnet_ids          = module.vpc.private_subnet_ids
  public_access_cidrs = local.eks.public_access_cidrs
  node_groups         = local.eks.node_groups

  access_entries = merge(
    { for i, arn in local.eks.cluster_admin_principal_arns : "admin-${i}" => { principal_arn = arn, cluster_admin = true } },
    # The game-day workflow: RBAC in argocd/ binds this group to what the chaos controller needs.
    { gameday = { principal_arn = data.aws_iam_role.gameday.arn, kubernetes_groups = ["gameday:chaos-operators"] } },
  )

  external_secrets_secret_arns  = [local.app_secrets_arn, module.msk.scram_secret_arn]
  external_secrets_kms_key_arns = [module.msk.kms_key_arn]
  loki_bucket_arns              = module.observability_storage.loki_bucket_arns
  tempo_bucket_arn              = module.observability_storage.tempo_bucket_arn
  observability_kms_key_arn     = module.observability_storage.kms_key_arn
  permissions_boundary_arn      = data.aws_iam_policy.workload_boundary.arn
}

# Loki's and Tempo's buckets (argocd/values/loki.yaml, tempo.yaml); their IRSA roles are the eks
# module's (loki, tempo).
module "observability_storage" {
  source = "../../modules/observability-storage"

  name = local.name
}

module "rds" {
  source = "../../modules/rds"

  identifier                = local.name
  instance_class            = local.rds.instance_class
  allocated_storage_gib     = local.rds.allocated_storage_gib
  max_allocated_storage_gib = local.rds.max_allocated_storage_gib
  backup_retention_days     = local.rds.backup_retention_days
  vpc_id                    = module.vpc.vpc_id
  subnet_ids                = module.vpc.data_subnet_ids
  client_security_group_ids = [module.eks.node_security_group_id]
  permissions_boundary_arn  = data.aws_iam_policy.workload_boundary.arn
}

module "msk" {
  source = "../../modules/msk"

  cluster_name              = local.name
  broker_instance_type      = local.msk.broker_instance_type
  broker_volume_gib         = local.msk.broker_volume_gib
  vpc_id                    = module.vpc.vpc_id
  subnet_ids                = module.vpc.data_subnet_ids
  client_security_group_ids = [module.eks.node_security_group_id]
}

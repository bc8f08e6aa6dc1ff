# What makes prod prod: highly available and sized for players (a NAT gateway per zone, on-demand
# nodes with at least one per zone, general-purpose RDS and MSK, longer backups). main.tf and
# outputs.tf are the same files in both environments (terraform/test checks that they are); only
# this file and the backend key differ.
locals {
  environment = "prod"
  # The backend's region (backend.tf) and the region deploy/src/environments.ts names.
  region = "eu-west-1"
  azs    = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]

  # deploy/src/environments.ts holds the same VPC and data-subnet CIDRs (its NetworkPolicies allow
  # egress to them); terraform/test checks that both agree.
  network = {
    cidr                 = "10.20.0.0/16"
    private_subnet_cidrs = ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"]
    data_subnet_cidrs    = ["10.20.64.0/20", "10.20.80.0/20", "10.20.96.0/20"]
    public_subnet_cidrs  = ["10.20.112.0/24", "10.20.113.0/24", "10.20.114.0/24"]
    nat_gateway_per_az   = true
  }

  eks = {
    kubernetes_version = "1.35"
    # Who may reach the API server's public endpoint; empty: private only (reach it from the VPC).
    public_access_cidrs = []
    # IAM roles that administer the cluster (kubectl with cluster-admin): your operators' roles.
    cluster_admin_principal_arns = []
    node_groups = {
      # At least one node per zone: the services spread across zones with DoNotSchedule.
      application = { instance_types = ["m7i.xlarge"], min_size = 3, desired_size = 3, max_size = 9 }
      argocd      = { instance_types = ["m7i.large"], min_size = 2, desired_size = 2, max_size = 3 }
      monitoring  = { instance_types = ["r7i.xlarge"], min_size = 2, desired_size = 2, max_size = 4, disk_size_gib = 100 }
    }
  }

  rds = {
    instance_class            = "db.m7g.large"
    allocated_storage_gib     = 100
    max_allocated_storage_gib = 1000
    backup_retention_days     = 14
  }

  msk = {
    broker_instance_type = "kafka.m7g.large"
    broker_volume_gib    = 500
  }
}

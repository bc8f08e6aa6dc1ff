# What makes staging staging: small and cheaper (one NAT gateway, spot application nodes, burstable
# RDS and MSK brokers), otherwise the same platform as prod. main.tf and outputs.tf are the same
# files in both environments (terraform/test checks that they are); only this file and the backend
# key differ.
locals {
  environment = "staging"
  # The backend's region (backend.tf) and the region deploy/src/environments.ts names.
  region = "eu-west-1"
  azs    = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]

  # deploy/src/environments.ts holds the same VPC and data-subnet CIDRs (its NetworkPolicies allow
  # egress to them); terraform/test checks that both agree.
  network = {
    cidr                 = "10.10.0.0/16"
    private_subnet_cidrs = ["10.10.0.0/20", "10.10.16.0/20", "10.10.32.0/20"]
    data_subnet_cidrs    = ["10.10.64.0/20", "10.10.80.0/20", "10.10.96.0/20"]
    public_subnet_cidrs  = ["10.10.112.0/24", "10.10.113.0/24", "10.10.114.0/24"]
    nat_gateway_per_az   = false
  }

  eks = {
    kubernetes_version = "1.35"
    # Who may reach the API server's public endpoint; empty: private only (reach it from the VPC).
    public_access_cidrs = []
    # IAM roles that administer the cluster (kubectl with cluster-admin): your operators' roles.
    cluster_admin_principal_arns = []
    node_groups = {
      application = { instance_types = ["t3.large", "t3a.large"], capacity_type = "SPOT", min_size = 1, desired_size = 2, max_size = 4 }
      argocd      = { instance_types = ["t3.medium"], min_size = 1, desired_size = 1, max_size = 2 }
      # The monitoring stack requests about 7.5 GiB of memory (kube-prometheus-stack, three Loki
      # replicas and their caches, Tempo), more than one t3.large can hold (8 GiB, about 7 GiB
      # allocatable). Two t3.large rather than one t3.xlarge: the same price and memory, but two
      # nodes (spread over zones by the node group), so losing or replacing one leaves the other
      # half of the stack running instead of all of it, and a rolling node update never takes the
      # whole stack down (Loki's PodDisruptionBudget allows one replica away at a time).
      monitoring = { instance_types = ["t3.large"], min_size = 2, desired_size = 2, max_size = 3 }
    }
  }

  rds = {
    instance_class            = "db.t4g.medium"
    allocated_storage_gib     = 50
    max_allocated_storage_gib = 100
    backup_retention_days     = 7
  }

  msk = {
    broker_instance_type = "kafka.t3.small"
    broker_volume_gib    = 50
  }
}

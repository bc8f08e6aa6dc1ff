variable "cluster_name" {
  description = "The EKS cluster's name (gameday-<environment>)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and hold only letters, digits and hyphens (100 at most)."
  }
}

variable "kubernetes_version" {
  description = "The control plane's Kubernetes minor version (\"1.35\"). Upgrade staging first, one minor at a time."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must be a minor version such as 1.35."
  }
}

variable "subnet_ids" {
  description = "The private subnets, one per zone, for the control plane's network interfaces and the nodes."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 3
    error_message = "subnet_ids must name a private subnet in each of three zones."
  }
}

variable "public_access_cidrs" {
  description = "CIDR blocks allowed to reach the API server's public endpoint. Empty (the default) turns the public endpoint off: the API is reachable from inside the VPC only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.public_access_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "public_access_cidrs must be IPv4 CIDR blocks, and not 0.0.0.0/0 (leave it empty for a private-only API)."
  }
}

variable "node_groups" {
  description = <<-EOT
    The managed node groups of seed 004, one per workload: application (gameday's services, and the
    cluster's own add-ons and operators), argocd and monitoring. Each node carries the label
    gameday.io/node-group=<name>; argocd and monitoring are also tainted
    gameday.io/node-group=<name>:NoSchedule (see main.tf, local.dedicated_node_groups).
  EOT
  type = map(object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = number
    desired_size   = number
    max_size       = number
    disk_size_gib  = optional(number, 50)
  }))

  validation {
    condition     = toset(keys(var.node_groups)) == toset(["application", "argocd", "monitoring"])
    error_message = "node_groups must define exactly application, argocd and monitoring."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : g.min_size <= g.desired_size && g.desired_size <= g.max_size && g.max_size >= 1])
    error_message = "Each node group needs min_size <= desired_size <= max_size and max_size >= 1."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : contains(["ON_DEMAND", "SPOT"], g.capacity_type)])
    error_message = "capacity_type must be ON_DEMAND or SPOT."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : g.disk_size_gib >= 20 && g.disk_size_gib <= 1000])
    error_message = "disk_size_gib must be between 20 and 1000."
  }
}

variable "access_entries" {
  description = <<-EOT
    IAM principals let into the cluster (EKS access entries; the aws-auth ConfigMap is not used).
    cluster_admin associates AmazonEKSClusterAdminPolicy; kubernetes_groups are bound by RBAC in the
    manifests (argocd/), such as gameday:chaos-operators for the game-day workflow's role.
  EOT
  type = map(object({
    principal_arn     = string
    cluster_admin     = optional(bool, false)
    kubernetes_groups = optional(list(string), [])
  }))
  default = {}

  validation {
    condition     = alltrue([for e in values(var.access_entries) : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/", e.principal_arn))])
    error_message = "Each access entry's principal_arn must be an IAM role or user ARN."
  }

  validation {
    condition     = alltrue([for e in values(var.access_entries) : e.cluster_admin || length(e.kubernetes_groups) > 0])
    error_message = "Each access entry must be a cluster_admin or name kubernetes_groups, or it grants nothing."
  }
}

variable "addon_versions" {
  description = "Pinned EKS add-on versions by add-on name (vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver, eks-pod-identity-agent); an add-on not named gets EKS's default version for the cluster's Kubernetes version."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.addon_versions) : contains(["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent"], k)])
    error_message = "addon_versions keys must be vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver or eks-pod-identity-agent."
  }
}

variable "external_secrets_secret_arns" {
  description = "Secrets Manager ARNs (wildcards allowed) External Secrets may read: gameday/<environment>/* and the MSK SCRAM secret."
  type        = list(string)

  validation {
    condition     = length(var.external_secrets_secret_arns) > 0 && alltrue([for a in var.external_secrets_secret_arns : can(regex("^arn:aws[a-z-]*:secretsmanager:", a))])
    error_message = "external_secrets_secret_arns must be Secrets Manager ARNs."
  }
}

variable "external_secrets_kms_key_arns" {
  description = "KMS keys those secrets are encrypted with: External Secrets may decrypt with them through Secrets Manager only."
  type        = list(string)
  default     = []
}

variable "loki_bucket_arns" {
  description = "Loki's S3 buckets, chunks and ruler (modules/observability-storage): its IRSA role (monitoring/loki) may list them and read, write and delete their objects."
  type        = list(string)

  validation {
    condition     = length(var.loki_bucket_arns) > 0 && alltrue([for a in var.loki_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", a))])
    error_message = "loki_bucket_arns must be S3 bucket ARNs."
  }
}

variable "tempo_bucket_arn" {
  description = "Tempo's S3 bucket (modules/observability-storage): its IRSA role (monitoring/tempo) may list it and read, write, tag and delete its objects."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.tempo_bucket_arn))
    error_message = "tempo_bucket_arn must be an S3 bucket ARN."
  }
}

variable "observability_kms_key_arn" {
  description = "The KMS key Loki's and Tempo's buckets are encrypted with: their roles may use it through S3 only."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.observability_kms_key_arn))
    error_message = "observability_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the control plane's logs (api, audit, authenticator, controllerManager, scheduler)."
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention of at least a year (365, 400, 545, 731, …)."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the IAM roles this module creates (the bootstrap's workload boundary)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource (the provider's default_tags add the project's own)."
  type        = map(string)
  default     = {}
}

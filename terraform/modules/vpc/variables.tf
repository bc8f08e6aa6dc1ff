variable "name" {
  description = "Name of the VPC and prefix of everything in it (gameday-<environment>)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3 to 31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "cidr" {
  description = "The VPC's IPv4 CIDR block (/16 to /20; a /16 in practice: pods take VPC addresses with the VPC CNI)."
  type        = string

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && can(regex("/(1[6-9]|20)$", var.cidr))
    error_message = "cidr must be an IPv4 CIDR block from /16 to /20, such as 10.10.0.0/16."
  }
}

variable "azs" {
  description = "The availability zones, one subnet of each tier in each (three: EKS, RDS Multi-AZ and MSK spread across them)."
  type        = list(string)

  validation {
    condition     = length(var.azs) == 3 && length(distinct(var.azs)) == 3
    error_message = "azs must name three distinct availability zones."
  }
}

variable "public_subnet_cidrs" {
  description = "One CIDR per zone for the public subnets: the NAT gateways and the internet-facing ALB."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_cidrs) == 3 && alltrue([for c in var.public_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "public_subnet_cidrs must be three IPv4 CIDR blocks, one per zone."
  }
}

variable "private_subnet_cidrs" {
  description = "One CIDR per zone for the private subnets: EKS nodes and pods (large: every pod takes an address)."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_cidrs) == 3 && alltrue([for c in var.private_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "private_subnet_cidrs must be three IPv4 CIDR blocks, one per zone."
  }
}

variable "data_subnet_cidrs" {
  description = "One CIDR per zone for the data subnets: RDS and MSK, with no route to the internet. The manifests' NetworkPolicies allow egress to exactly these (deploy/src/environments.ts)."
  type        = list(string)

  validation {
    condition     = length(var.data_subnet_cidrs) == 3 && alltrue([for c in var.data_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "data_subnet_cidrs must be three IPv4 CIDR blocks, one per zone."
  }
}

variable "nat_gateway_per_az" {
  description = "One NAT gateway per zone (true: a zone's outage does not cut the others' egress; prod) or a single shared one (false: cheaper; staging)."
  type        = bool
}

variable "interface_endpoints" {
  description = "AWS services reached through interface endpoints from the private subnets (nodes pull images and ship logs without the NAT)."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "sts", "logs"]

  validation {
    condition     = alltrue([for s in var.interface_endpoints : can(regex("^[a-z0-9.-]+$", s))])
    error_message = "interface_endpoints are service suffixes such as ecr.api, sts or logs."
  }
}

variable "eks_cluster_name" {
  description = "The EKS cluster that uses this VPC: subnets are tagged for its AWS Load Balancer Controller."
  type        = string
}

variable "flow_log_retention_days" {
  description = "Days CloudWatch keeps the VPC flow logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a CloudWatch retention of at least a year (365, 400, 545, 731, …)."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the IAM roles this module creates (the bootstrap's workload boundary; the apply role may only create roles that carry it)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource (the provider's default_tags add the project's own)."
  type        = map(string)
  default     = {}
}

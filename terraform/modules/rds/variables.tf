variable "identifier" {
  description = "The DB instance's identifier and the prefix of its parameter group, subnet group, security group and key (gameday-<environment>)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,58}[a-z0-9]$", var.identifier))
    error_message = "identifier must be lowercase letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "engine_version" {
  description = "PostgreSQL major version (minor versions are applied automatically in the maintenance window)."
  type        = string
  default     = "17"

  validation {
    condition     = can(regex("^1[7-9]$", var.engine_version))
    error_message = "engine_version must be a PostgreSQL major version, 17 or newer."
  }
}

variable "instance_class" {
  description = "The DB instance class (db.t4g.medium in staging, db.m7g.large and up in prod)."
  type        = string

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.instance_class))
    error_message = "instance_class must look like db.m7g.large."
  }
}

variable "allocated_storage_gib" {
  description = "Initial gp3 storage in GiB."
  type        = number
  default     = 50

  validation {
    condition     = var.allocated_storage_gib >= 20 && var.allocated_storage_gib <= 65536
    error_message = "allocated_storage_gib must be between 20 and 65536."
  }
}

variable "max_allocated_storage_gib" {
  description = "Ceiling for storage autoscaling in GiB."
  type        = number
  default     = 200

  validation {
    condition     = var.max_allocated_storage_gib >= 20 && var.max_allocated_storage_gib <= 65536
    error_message = "max_allocated_storage_gib must be between 20 and 65536."
  }
}

variable "backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "vpc_id" {
  description = "The VPC of the data subnets."
  type        = string
}

variable "subnet_ids" {
  description = "The data subnets (no internet route), one per zone: the primary and its Multi-AZ standby are placed in two of them."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must name subnets in at least two zones (Multi-AZ)."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect on 5432: the EKS cluster security group that nodes and pods carry, and nothing else."
  type        = list(string)

  validation {
    condition     = length(var.client_security_group_ids) > 0 && alltrue([for id in var.client_security_group_ids : can(regex("^sg-", id))])
    error_message = "client_security_group_ids must name at least one security group (sg-…)."
  }
}

variable "monitoring_interval_seconds" {
  description = "Enhanced monitoring's granularity in seconds (OS metrics to CloudWatch)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 5, 10, 15, 30, 60], var.monitoring_interval_seconds)
    error_message = "monitoring_interval_seconds must be 1, 5, 10, 15, 30 or 60 (0 would turn enhanced monitoring off)."
  }
}

variable "performance_insights_retention_days" {
  description = "Days Performance Insights keeps its data (7 is free; then months: 31, 62, … 731)."
  type        = number
  default     = 7

  validation {
    condition     = var.performance_insights_retention_days == 7 || var.performance_insights_retention_days == 731 || (var.performance_insights_retention_days % 31 == 0 && var.performance_insights_retention_days <= 713)
    error_message = "performance_insights_retention_days must be 7, a multiple of 31 up to 713, or 731."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the PostgreSQL and upgrade logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention of at least a year (365, 400, 545, 731, …)."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the IAM role this module creates (enhanced monitoring)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource (the provider's default_tags add the project's own)."
  type        = map(string)
  default     = {}
}

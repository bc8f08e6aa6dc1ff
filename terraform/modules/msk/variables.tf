variable "cluster_name" {
  description = "The MSK cluster's name (gameday-<environment>)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,63}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and hold only letters, digits and hyphens (64 at most)."
  }
}

variable "kafka_version" {
  description = "The Apache Kafka version: MSK's 3.9.x line (patch releases applied by MSK)."
  type        = string
  default     = "3.9.x"

  validation {
    condition     = can(regex("^3\\.9\\.x(\\.kraft)?$", var.kafka_version))
    error_message = "kafka_version must be 3.9.x (or 3.9.x.kraft)."
  }
}

variable "broker_instance_type" {
  description = "The brokers' instance type (kafka.t3.small in staging, kafka.m7g.large in prod)."
  type        = string

  validation {
    condition     = can(regex("^kafka\\.[a-z0-9]+\\.[a-z0-9]+$", var.broker_instance_type))
    error_message = "broker_instance_type must look like kafka.m7g.large."
  }
}

variable "broker_count" {
  description = "Number of brokers, spread evenly over the three zones (replication factor 3, min.insync.replicas 2)."
  type        = number
  default     = 3

  validation {
    condition     = var.broker_count >= 3 && var.broker_count % 3 == 0
    error_message = "broker_count must be a multiple of 3 (one zone each), at least 3."
  }
}

variable "broker_volume_gib" {
  description = "EBS storage per broker in GiB."
  type        = number
  default     = 100

  validation {
    condition     = var.broker_volume_gib >= 1 && var.broker_volume_gib <= 16384
    error_message = "broker_volume_gib must be between 1 and 16384."
  }
}

variable "vpc_id" {
  description = "The VPC of the data subnets."
  type        = string
}

variable "subnet_ids" {
  description = "The data subnets, one per zone (brokers are spread across them)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) == 3
    error_message = "subnet_ids must name exactly three subnets, one per zone."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to reach the brokers (SASL/SCRAM 9096, IAM 9098, the Prometheus exporters 11001-11002): the EKS cluster security group."
  type        = list(string)

  validation {
    condition     = length(var.client_security_group_ids) > 0 && alltrue([for id in var.client_security_group_ids : can(regex("^sg-", id))])
    error_message = "client_security_group_ids must name at least one security group (sg-…)."
  }
}

variable "scram_username" {
  description = "The SASL/SCRAM user the services connect as (kafkajs speaks SCRAM-SHA-512; IAM is there for operators' tools)."
  type        = string
  default     = "gameday"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_-]{2,30}$", var.scram_username))
    error_message = "scram_username must be 3 to 31 lowercase letters, digits, hyphens or underscores."
  }
}

variable "scram_password_version" {
  description = "Bump to generate and store a new SCRAM password (the password is write-only: never in the state)."
  type        = number
  default     = 1

  validation {
    condition     = var.scram_password_version >= 1 && floor(var.scram_password_version) == var.scram_password_version
    error_message = "scram_password_version must be a whole number, 1 or more."
  }
}

variable "enhanced_monitoring" {
  description = "MSK's CloudWatch metrics level."
  type        = string
  default     = "PER_BROKER"

  validation {
    condition     = contains(["DEFAULT", "PER_BROKER", "PER_TOPIC_PER_BROKER", "PER_TOPIC_PER_PARTITION"], var.enhanced_monitoring)
    error_message = "enhanced_monitoring must be DEFAULT, PER_BROKER, PER_TOPIC_PER_BROKER or PER_TOPIC_PER_PARTITION."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the broker logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention of at least a year (365, 400, 545, 731, …)."
  }
}

variable "tags" {
  description = "Tags added to every resource (the provider's default_tags add the project's own)."
  type        = map(string)
  default     = {}
}

variable "name" {
  description = "The environment's name prefix (gameday-<environment>): the buckets are <name>-loki-chunks, <name>-loki-ruler and <name>-tempo, as argocd/values/loki.yaml and tempo.yaml expect."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be 2 to 41 lowercase letters, digits or hyphens (S3 bucket names are lowercase; the longest suffix is -loki-chunks)."
  }
}

variable "log_retention_days" {
  description = "Days Loki keeps logs (argocd/values/loki.yaml limits_config.retention_period: 744h = 31 days). The chunks bucket expires objects expiry_margin_days later, so the lifecycle never removes what Loki still serves."
  type        = number
  default     = 31

  validation {
    condition     = var.log_retention_days >= 1
    error_message = "log_retention_days must be 1 or more."
  }
}

variable "trace_retention_days" {
  description = "Days Tempo keeps traces (argocd/values/tempo.yaml tempo.retention: 336h = 14 days). The bucket expires objects expiry_margin_days later."
  type        = number
  default     = 14

  validation {
    condition     = var.trace_retention_days >= 1
    error_message = "trace_retention_days must be 1 or more."
  }
}

variable "expiry_margin_days" {
  description = "Days past the retention before the lifecycle expires an object: Loki's and Tempo's compactors delete expired data themselves, the lifecycle is the backstop for what they leave behind."
  type        = number
  default     = 4

  validation {
    condition     = var.expiry_margin_days >= 1
    error_message = "expiry_margin_days must be 1 or more: the lifecycle must not race the compactors."
  }
}

variable "noncurrent_version_days" {
  description = "Days a deleted or overwritten object version is kept (versioning undoes a mistaken delete within that time)."
  type        = number
  default     = 7

  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "noncurrent_version_days must be 1 or more."
  }
}

variable "tags" {
  description = "Tags added to every resource (the provider's default_tags add the project's own)."
  type        = map(string)
  default     = {}
}

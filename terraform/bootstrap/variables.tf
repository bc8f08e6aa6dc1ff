variable "region" {
  description = "The platform's AWS region: the state bucket, the ECR repositories and the GitHub roles' regional permissions."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "state_bucket_name" {
  description = "The Terraform state bucket (S3 bucket names are global: if this one is taken, change it here and in every backend.tf under terraform/)."
  type        = string
  default     = "gameday-terraform-state"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,40}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be 3 to 42 lowercase letters, digits, dots or hyphens (the access-log bucket adds a suffix)."
  }
}

variable "state_key_alias" {
  description = "Alias of the state's KMS key: the backends name it as kms_key_id, so state objects are encrypted with it."
  type        = string
  default     = "alias/gameday-terraform-state"

  validation {
    condition     = can(regex("^alias/[a-zA-Z0-9/_-]+$", var.state_key_alias)) && !startswith(var.state_key_alias, "alias/aws/")
    error_message = "state_key_alias must be alias/<name>, and not an AWS-managed alias/aws/ one."
  }
}

variable "noncurrent_version_days" {
  description = "Days a superseded state version is kept (the newest ten are kept in any case)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_days >= 30
    error_message = "noncurrent_version_days must be 30 or more: old state versions are how a bad apply is undone."
  }
}

variable "access_log_days" {
  description = "Days the state bucket's access logs are kept."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_days >= 90
    error_message = "access_log_days must be 90 or more."
  }
}

variable "github_repository" {
  description = "The GitHub repository (owner/name) whose workflows may assume the CI roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}

variable "github_oidc_provider_arn" {
  description = "The account's existing token.actions.githubusercontent.com identity provider, if it has one; null creates it."
  type        = string
  default     = null
}

variable "ecr_keep_tagged_images" {
  description = "How many tagged images each ECR repository keeps."
  type        = number
  default     = 50

  validation {
    condition     = var.ecr_keep_tagged_images >= 10
    error_message = "ecr_keep_tagged_images must be 10 or more."
  }
}

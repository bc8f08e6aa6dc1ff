variable "github_repository" {
  description = "The GitHub repository (owner/name) whose workflows may assume the roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$", var.github_repository))
    error_message = "github_repository must be owner/name, such as example-org/gameday."
  }
}

variable "name_prefix" {
  description = "Prefix of the roles and policies (and of the roles the apply role may create)."
  type        = string
  default     = "gameday"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name_prefix))
    error_message = "name_prefix must be 2 to 21 lowercase letters, digits or hyphens."
  }
}

variable "github_oidc_provider_arn" {
  description = "An existing token.actions.githubusercontent.com identity provider of the account; null creates it (an account holds one per URL)."
  type        = string
  default     = null

  validation {
    condition     = var.github_oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.github_oidc_provider_arn))
    error_message = "github_oidc_provider_arn must be the ARN of the token.actions.githubusercontent.com provider, or null."
  }
}

variable "apply_environment" {
  description = "The GitHub environment (with required reviewers) whose jobs may assume the apply role (.github/workflows/terraform.yml)."
  type        = string
  default     = "prod-infrastructure"
}

variable "main_branch" {
  description = "The branch whose workflow runs may push images and run game days."
  type        = string
  default     = "main"
}

variable "state_bucket_arn" {
  description = "The Terraform state bucket's ARN."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.state_bucket_arn))
    error_message = "state_bucket_arn must be an S3 bucket ARN."
  }
}

variable "state_kms_key_arn" {
  description = "The key the state is encrypted with."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.state_kms_key_arn))
    error_message = "state_kms_key_arn must be a KMS key ARN."
  }
}

variable "state_key_prefix" {
  description = "The state objects the plan and apply roles may touch (the environments'); the bootstrap's own state is for its human operators only."
  type        = string
  default     = "envs/"
}

variable "environments" {
  description = "The environments (terraform/envs/<name>): the apply role manages their S3 buckets, <prefix>-<environment>-*, and the workload roles may use those buckets' objects."
  type        = list(string)
  default     = ["staging", "prod"]

  validation {
    condition     = length(var.environments) > 0 && alltrue([for e in var.environments : can(regex("^[a-z][a-z0-9]{1,15}$", e)) && e != "terraform"])
    error_message = "environments must be 2 to 16 lowercase letters or digits each, and not \"terraform\" (<prefix>-terraform-* are the bootstrap's buckets)."
  }
}

variable "ecr_repository_arns" {
  description = "The repositories the image-push role may push to."
  type        = list(string)

  validation {
    condition     = length(var.ecr_repository_arns) > 0 && alltrue([for a in var.ecr_repository_arns : can(regex("^arn:aws[a-z-]*:ecr:", a))])
    error_message = "ecr_repository_arns must be ECR repository ARNs."
  }
}

variable "protected_kms_key_arns" {
  description = "Keys of the bootstrap (state, ECR) that the apply role must never disable, delete or re-policy."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource (the provider's default_tags add the project's own)."
  type        = map(string)
  default     = {}
}

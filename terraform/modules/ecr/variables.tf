variable "repositories" {
  description = "One repository per image, named gameday/<name>: the services and the chaos controller (images/src/catalogue.ts)."
  type        = list(string)
  default     = ["gateway", "accounts", "wallet", "casino", "pokemon", "scheduler", "events", "leaderboard", "chaos-controller"]

  validation {
    condition     = length(var.repositories) > 0 && alltrue([for r in var.repositories : can(regex("^[a-z][a-z0-9-]*$", r))])
    error_message = "repositories must be image names: lowercase letters, digits and hyphens."
  }
}

variable "namespace" {
  description = "The repositories' name prefix: <namespace>/<image>."
  type        = string
  default     = "gameday"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*$", var.namespace))
    error_message = "namespace must be lowercase letters, digits and hyphens."
  }
}

variable "keep_tagged_images" {
  description = "How many tagged images each repository keeps (the newest); prod must not run an image older than that."
  type        = number
  default     = 50

  validation {
    condition     = var.keep_tagged_images >= 10 && var.keep_tagged_images <= 1000
    error_message = "keep_tagged_images must be between 10 and 1000."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which an untagged image (a tag moved away, a failed push) is deleted."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_expiry_days >= 1 && var.untagged_expiry_days <= 90
    error_message = "untagged_expiry_days must be between 1 and 90."
  }
}

variable "tags" {
  description = "Tags added to every resource (the provider's default_tags add the project's own)."
  type        = map(string)
  default     = {}
}

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

provider "aws" {
  region = local.region

  default_tags {
    tags = {
      Project     = "gameday"
      Environment = local.environment
      ManagedBy   = "terraform"
    }
  }
}

# tflint with its bundled terraform ruleset only, every rule of it (preset "all"): plugins, among
# them the AWS ruleset, are downloaded by `tflint --init` from GitHub releases, which these machines
# cannot reach, so no AWS-specific rule (instance types, invalid ARNs) runs here; `terraform
# validate` and `plan` in .github/workflows/terraform.yml check those against the real provider.
# Run from the repository root (terraform/test does):
#   tflint --chdir terraform --recursive --config "$PWD/terraform/.tflint.hcl"
config {
  # Local module calls (../modules/*) are evaluated with the values the callers pass.
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}

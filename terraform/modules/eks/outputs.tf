output "cluster_name" {
  description = "The EKS cluster's name (aws eks update-kubeconfig --name …)."
  value       = aws_eks_cluster.this.name
}

output "cluster_arn" {
  description = "The EKS cluster's ARN."
  value       = aws_eks_cluster.this.arn
}

output "cluster_endpoint" {
  description = "The API server's endpoint."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "The API server's CA certificate, base64."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_version" {
  description = "The control plane's Kubernetes version."
  value       = aws_eks_cluster.this.version
}

output "node_security_group_id" {
  description = "The cluster security group: the nodes and pods carry it, and RDS and MSK admit it."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "oidc_provider_arn" {
  description = "The IRSA identity provider's ARN."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "oidc_issuer" {
  description = "The cluster's OIDC issuer, without https:// (the prefix of IRSA trust conditions)."
  value       = local.oidc_issuer
}

output "irsa_role_arns" {
  description = "IRSA role ARNs by controller: the eks.amazonaws.com/role-arn annotation of each service account (namespace/name in irsa_service_accounts)."
  value       = { for name, role in aws_iam_role.irsa : name => role.arn }
}

output "irsa_service_accounts" {
  description = "The namespace/service account each IRSA role trusts."
  value       = { for name, sa in local.irsa : name => "${sa.namespace}/${sa.service_account}" }
}

output "node_groups" {
  description = "Each node group's label and taint (null: untainted), for the manifests' affinity and tolerations."
  value = {
    for name in keys(var.node_groups) : name => {
      label = "gameday.io/node-group=${name}"
      taint = contains(local.dedicated_node_groups, name) ? "gameday.io/node-group=${name}:NoSchedule" : null
    }
  }
}

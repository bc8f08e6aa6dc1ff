# EKS-managed add-ons. vpc-cni, kube-proxy and the pod identity agent are installed before the
# nodes (a node is Ready only with a CNI); CoreDNS and the EBS CSI driver after them (they are
# Deployments and need somewhere to run: the untainted application nodes).
locals {
  addons_before_nodes = {
    vpc-cni = {
      role_arn = aws_iam_role.irsa["vpc-cni"].arn
      # The VPC CNI's network policy agent enforces the manifests' NetworkPolicies.
      configuration = jsonencode({ enableNetworkPolicy = "true" })
    }
    kube-proxy             = { role_arn = null, configuration = null }
    eks-pod-identity-agent = { role_arn = null, configuration = null }
  }
  addons_after_nodes = {
    coredns            = { role_arn = null, configuration = null }
    aws-ebs-csi-driver = { role_arn = aws_iam_role.irsa["ebs-csi-driver"].arn, configuration = null }
  }
}

data "aws_eks_addon_version" "this" {
  for_each = merge(local.addons_before_nodes, local.addons_after_nodes)

  addon_name         = each.key
  kubernetes_version = aws_eks_cluster.this.version
  most_recent        = false # EKS's default version for this Kubernetes version
}

resource "aws_eks_addon" "before_nodes" {
  for_each = local.addons_before_nodes

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = lookup(var.addon_versions, each.key, data.aws_eks_addon_version.this[each.key].version)
  service_account_role_arn    = each.value.role_arn
  configuration_values        = each.value.configuration
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags
}

resource "aws_eks_addon" "after_nodes" {
  for_each = local.addons_after_nodes

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = lookup(var.addon_versions, each.key, data.aws_eks_addon_version.this[each.key].version)
  service_account_role_arn    = each.value.role_arn
  configuration_values        = each.value.configuration
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags

  depends_on = [aws_eks_node_group.this]
}

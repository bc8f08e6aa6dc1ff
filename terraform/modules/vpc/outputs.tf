output "vpc_id" {
  description = "The VPC's id."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "The VPC's CIDR block (the ALB reaches pods from here)."
  value       = aws_vpc.this.cidr_block
}

output "azs" {
  description = "The three zones, in subnet order."
  value       = var.azs
}

output "public_subnet_ids" {
  description = "Public subnets, one per zone."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets (EKS nodes and pods), one per zone."
  value       = aws_subnet.private[*].id
}

output "data_subnet_ids" {
  description = "Data subnets (RDS, MSK), one per zone."
  value       = aws_subnet.data[*].id
}

output "data_subnet_cidrs" {
  description = "The data subnets' CIDR blocks: the NetworkPolicies allow egress to exactly these."
  value       = aws_subnet.data[*].cidr_block
}

output "nat_public_ips" {
  description = "The NAT gateways' public addresses (what third parties see of the cluster's egress)."
  value       = aws_eip.nat[*].public_ip
}

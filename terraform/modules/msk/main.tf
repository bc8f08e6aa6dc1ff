# Kafka on MSK: three brokers across the zones in the data subnets, TLS between clients and brokers
# and between brokers, encrypted at rest with a key of its own, SASL/SCRAM (the services: kafkajs)
# and IAM (operators' tools) authentication and no unauthenticated access, broker logs to
# CloudWatch, the JMX and node exporters open to Prometheus in the cluster.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition      = data.aws_partition.current.partition
  account_id     = data.aws_caller_identity.current.account_id
  region         = data.aws_region.current.region
  log_group_name = "/aws/msk/${var.cluster_name}/broker"
  # Client ports: 9096 SASL/SCRAM over TLS, 9098 IAM over TLS; 11001-11002 the Prometheus exporters.
  client_ports = { scram = [9096, 9096], iam = [9098, 9098], prometheus = [11001, 11002] }
  # Keyed by position, not by id: the client groups' ids are unknown until the cluster exists.
  client_rules = {
    for pair in setproduct(range(length(var.client_security_group_ids)), keys(local.client_ports)) :
    "${pair[0]}-${pair[1]}" => {
      sg   = var.client_security_group_ids[pair[0]]
      name = pair[1]
      from = local.client_ports[pair[1]][0]
      to   = local.client_ports[pair[1]][1]
    }
  }
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:A key policy: its "*" is this key alone, and the account root statement hands its administration to IAM.
  #checkov:skip=CKV_AWS_111:A key policy: its "*" is this key alone; CloudWatch Logs may use it only for this cluster's broker logs (encryption context).
  #checkov:skip=CKV_AWS_356:A key policy: its "*" is this key alone, there is no other resource to name.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsUsesItForTheBrokerLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"]
    }
  }
}

# Data at rest, the broker logs and the SCRAM secret (MSK refuses secrets under the default key).
resource "aws_kms_key" "this" {
  description             = "${var.cluster_name}: MSK data at rest, broker logs, SCRAM secret"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.cluster_name}-msk"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_cloudwatch_log_group" "broker" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.cluster_name}-msk"
  description = "Kafka (SASL/SCRAM, IAM) and its exporters from the EKS cluster security group only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.cluster_name}-msk" })
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = local.client_rules

  security_group_id            = aws_security_group.this.id
  description                  = "Kafka ${each.value.name} (${each.value.from}-${each.value.to}) from a client security group"
  referenced_security_group_id = each.value.sg
  ip_protocol                  = "tcp"
  from_port                    = each.value.from
  to_port                      = each.value.to
}

resource "aws_msk_configuration" "this" {
  name           = "${var.cluster_name}-${replace(var.kafka_version, ".", "-")}"
  kafka_versions = [var.kafka_version]
  description    = "${var.cluster_name}: topics are created on purpose, replicated three times"

  server_properties = <<-EOT
    auto.create.topics.enable=false
    default.replication.factor=3
    min.insync.replicas=2
    num.partitions=6
    unclean.leader.election.enable=false
    log.retention.hours=168
  EOT

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_msk_cluster" "this" {
  cluster_name           = var.cluster_name
  kafka_version          = var.kafka_version
  number_of_broker_nodes = var.broker_count
  enhanced_monitoring    = var.enhanced_monitoring

  broker_node_group_info {
    instance_type   = var.broker_instance_type
    client_subnets  = var.subnet_ids
    security_groups = [aws_security_group.this.id]

    storage_info {
      ebs_storage_info {
        volume_size = var.broker_volume_gib
      }
    }

    connectivity_info {
      public_access {
        type = "DISABLED"
      }
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.this.arn
    revision = aws_msk_configuration.this.latest_revision
  }

  encryption_info {
    encryption_at_rest_kms_key_arn = aws_kms_key.this.arn

    encryption_in_transit {
      client_broker = "TLS"
      in_cluster    = true
    }
  }

  client_authentication {
    unauthenticated = false

    sasl {
      scram = true
      iam   = true
    }
  }

  open_monitoring {
    prometheus {
      jmx_exporter {
        enabled_in_broker = true
      }

      node_exporter {
        enabled_in_broker = true
      }
    }
  }

  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.broker.name
      }
    }
  }

  tags = var.tags
}

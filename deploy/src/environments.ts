// Per-environment settings the manifests need from the infrastructure (terraform/envs/<env> outputs:
// `terraform output`). Change them here, then `npx gameday deploy generate`.
import type { Environment } from './topology';

export interface EnvironmentSettings {
  /** The Git repository ArgoCD syncs from, and the revision. */
  repoUrl: string;
  targetRevision: string;
  /** The AWS region (Secrets Manager for the ExternalSecrets). */
  awsRegion: string;
  /** The AWS account (the IRSA role ARNs: terraform output irsa_role_arns). */
  awsAccountId: string;
  /** The VPC (terraform output vpc_id), for the AWS Load Balancer Controller. */
  vpcId: string;
  /** The public API's host (the gateway's Ingress; its ACM certificate is found by this name). */
  apiHost: string;
  /** The VPC: the ALB reaches the gateway's pods from here (target type ip). */
  vpcCidr: string;
  /** The private data subnets: RDS (5432) and MSK (9096, SASL/SCRAM over TLS) live there. */
  dataCidrs: string[];
  /** MSK's bootstrap brokers (terraform output msk_bootstrap_brokers_sasl_scram). */
  kafkaBrokers: string;
  /** RDS PostgreSQL's endpoint (terraform output rds_endpoint): the chaos catalogue's postgres. */
  rdsHost: string;
  /** Where the in-cluster game day runs the catalogue (cron, UTC); empty: never by itself. */
  gamedaySchedule: string;
  /** Topology spread across zones: DoNotSchedule keeps replicas apart even when a zone is short. */
  zoneSpread: 'DoNotSchedule' | 'ScheduleAnyway';
}

export const ENVIRONMENT_SETTINGS: Record<Environment, EnvironmentSettings> = {
  staging: {
    repoUrl: 'https://github.com/gameday/gameday.git',
    targetRevision: 'main',
    awsRegion: 'eu-west-1',
    awsAccountId: '111111111111',
    vpcId: 'vpc-0staging00000000',
    apiHost: 'api.staging.gameday.example.com',
    vpcCidr: '10.10.0.0/16',
    dataCidrs: ['10.10.64.0/20', '10.10.80.0/20', '10.10.96.0/20'],
    kafkaBrokers:
      'b-1.gameday-staging.kafka.eu-west-1.amazonaws.com:9096,b-2.gameday-staging.kafka.eu-west-1.amazonaws.com:9096,b-3.gameday-staging.kafka.eu-west-1.amazonaws.com:9096',
    rdsHost: 'gameday-staging.cluster-abcdefghijkl.eu-west-1.rds.amazonaws.com',
    gamedaySchedule: '0 10 * * 2',
    zoneSpread: 'ScheduleAnyway',
  },
  prod: {
    repoUrl: 'https://github.com/gameday/gameday.git',
    targetRevision: 'main',
    awsRegion: 'eu-west-1',
    awsAccountId: '222222222222',
    vpcId: 'vpc-0prod0000000000',
    apiHost: 'api.gameday.example.com',
    vpcCidr: '10.20.0.0/16',
    dataCidrs: ['10.20.64.0/20', '10.20.80.0/20', '10.20.96.0/20'],
    kafkaBrokers:
      'b-1.gameday-prod.kafka.eu-west-1.amazonaws.com:9096,b-2.gameday-prod.kafka.eu-west-1.amazonaws.com:9096,b-3.gameday-prod.kafka.eu-west-1.amazonaws.com:9096',
    rdsHost: 'gameday-prod.cluster-abcdefghijkl.eu-west-1.rds.amazonaws.com',
    gamedaySchedule: '',
    zoneSpread: 'DoNotSchedule',
  },
};

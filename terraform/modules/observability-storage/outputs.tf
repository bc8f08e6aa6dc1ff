output "loki_buckets" {
  description = "Loki's buckets: chunks (chunks and index) and ruler (argocd/values/loki.yaml loki.storage.bucketNames)."
  value = {
    chunks = aws_s3_bucket.this["loki-chunks"].id
    ruler  = aws_s3_bucket.this["loki-ruler"].id
  }
}

output "loki_bucket_arns" {
  description = "The ARNs of Loki's buckets (its IRSA role's policy)."
  value       = [aws_s3_bucket.this["loki-chunks"].arn, aws_s3_bucket.this["loki-ruler"].arn]
}

output "tempo_bucket" {
  description = "Tempo's bucket (argocd/values/tempo.yaml tempo.storage.trace.s3.bucket)."
  value       = aws_s3_bucket.this["tempo"].id
}

output "tempo_bucket_arn" {
  description = "The ARN of Tempo's bucket (its IRSA role's policy)."
  value       = aws_s3_bucket.this["tempo"].arn
}

output "kms_key_arn" {
  description = "The buckets' key: the IRSA roles may use it through S3."
  value       = aws_kms_key.this.arn
}

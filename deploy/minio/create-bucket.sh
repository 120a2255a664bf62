#!/bin/sh
# Creates the media bucket and the media service's own MinIO user, limited to that
# bucket (the service never gets the root credentials). Private bucket: clients get
# presigned URLs or gateway-served renditions (DESIGN.md §6). Idempotent: re-running
# updates the policy and the user's secret key. The policy also lets the user
# create that one bucket: the media service makes it at start when it is missing
# (it may start before this has run, on Kubernetes).
#
# Needs: MINIO_ROOT_USER, MINIO_ROOT_PASSWORD, MEDIA_S3_BUCKET, MEDIA_S3_ACCESS_KEY,
#        MEDIA_S3_SECRET_KEY; MINIO_URL (default http://minio:9000).
set -eu

: "${MINIO_URL:=http://minio:9000}"
policy_name=congdoan-media
policy_file=$(mktemp)

# MinIO may still be forming its erasure set: retry the first contact for a while.
tries=0
until mc alias set platform "$MINIO_URL" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1 \
      && mc admin info platform >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "create-bucket: MinIO at $MINIO_URL did not answer" >&2
    exit 1
  fi
  sleep 2
done

mc mb --ignore-existing "platform/$MEDIA_S3_BUCKET"
mc anonymous set none "platform/$MEDIA_S3_BUCKET" >/dev/null

cat > "$policy_file" <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow",
     "Action": ["s3:CreateBucket", "s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
     "Resource": ["arn:aws:s3:::$MEDIA_S3_BUCKET"]},
    {"Effect": "Allow",
     "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
     "Resource": ["arn:aws:s3:::$MEDIA_S3_BUCKET/*"]}
  ]
}
JSON
mc admin policy create platform "$policy_name" "$policy_file" >/dev/null
mc admin user add platform "$MEDIA_S3_ACCESS_KEY" "$MEDIA_S3_SECRET_KEY" >/dev/null
if ! out=$(mc admin policy attach platform "$policy_name" --user "$MEDIA_S3_ACCESS_KEY" 2>&1); then
  case "$out" in
    *already*) ;;  # attached on an earlier run
    *) echo "$out" >&2; exit 1 ;;
  esac
fi
rm -f "$policy_file"
echo "create-bucket: bucket $MEDIA_S3_BUCKET and user $MEDIA_S3_ACCESS_KEY ready"

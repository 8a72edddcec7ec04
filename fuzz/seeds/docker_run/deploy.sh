#!/bin/sh
# Starts the legacy SSH box next to the compose project.
set -eu
IMAGE=insecure-app/legacy:latest
docker build -t "$IMAGE" -f legacy/Dockerfile.ssh legacy
docker run -d --name legacy --network=host --cap-add=ALL \
  -v /etc:/host-etc -p 22:22 "$IMAGE"

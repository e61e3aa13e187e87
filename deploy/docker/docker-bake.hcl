# Builds the image of every deployed app from deploy/docker/Dockerfile. Run from the repository root:
#   docker buildx bake -f deploy/docker/docker-bake.hcl                                 # both, tag :dev
#   REGISTRY=myregistry.azurecr.io/acumatica-zendesk TAG=1.0.0 \
#     docker buildx bake -f deploy/docker/docker-bake.hcl --push --set '*.platform=linux/amd64,linux/arm64'
# Target names are the Dapr app ids (AcumaticaZendesk.Contracts.DaprNames.AppIds).

variable "REGISTRY" {
  default = "acumatica-zendesk"
}

variable "TAG" {
  default = "dev"
}

group "default" {
  targets = ["sync-worker", "webhook-receiver"]
}

target "_app" {
  context    = "."
  dockerfile = "deploy/docker/Dockerfile"
}

target "sync-worker" {
  inherits = ["_app"]
  args     = { APP_PROJECT = "AcumaticaZendesk.SyncWorker" }
  tags     = ["${REGISTRY}/sync-worker:${TAG}"]
}

target "webhook-receiver" {
  inherits = ["_app"]
  args     = { APP_PROJECT = "AcumaticaZendesk.WebhookReceiver" }
  tags     = ["${REGISTRY}/webhook-receiver:${TAG}"]
}

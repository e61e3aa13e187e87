// AcumaticaZendesk on Azure Container Apps with Dapr.
//
//   az deployment group create -g <rg> -f deploy/azure-container-apps/main.bicep \
//     -p deploy/azure-container-apps/main.example.bicepparam
//
// Creates: Log Analytics + Application Insights, one user-assigned identity, Key Vault
// (connector-secrets), Service Bus (connector-pubsub), Azure Database for PostgreSQL flexible server
// (connector-state, also the workflow/actor store; never Cosmos DB, which Dapr does not support for
// workflows), the Container Apps environment with the Dapr components (plus sync-cron,
// scoped to sync-worker) and both apps. Only webhook-receiver has external ingress; sync-worker's
// operator API is reachable inside the environment only. No secret is passed or stored here:
// every component authenticates with the managed identity.

targetScope = 'resourceGroup'

@description('Azure region; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Short lowercase prefix of every resource name, e.g. "azd-prod".')
@minLength(3)
@maxLength(12)
param namePrefix string

@description('sync-worker image, e.g. myregistry.azurecr.io/acumatica-zendesk/sync-worker:1.0.0.')
param syncWorkerImage string

@description('webhook-receiver image, e.g. myregistry.azurecr.io/acumatica-zendesk/webhook-receiver:1.0.0.')
param webhookReceiverImage string

@description('Existing Azure Container Registry in this resource group to pull from with the identity; empty for a public registry.')
param containerRegistryName string = ''

@description('Minutes between sync runs of a tenant: the ONE setting behind both the sync-cron schedule (wall-clock aligned, UTC) and SyncSchedule__Interval of sync-worker.')
@allowed([1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30])
param syncIntervalMinutes int = 5

@description('sync-worker replicas (fixed; at least 1, the cron binding needs a running replica).')
@minValue(1)
@maxValue(10)
param syncWorkerReplicas int = 1

@description('webhook-receiver replica range (HTTP-concurrency autoscaling).')
@minValue(1)
param webhookReceiverMinReplicas int = 1

@maxValue(30)
param webhookReceiverMaxReplicas int = 5

param tags object = {}

@description('Key Vault secrets the apps read (connector-secrets, "--" for ":"); listed in the output keyVaultSecretsToCreate.')
param keyVaultSecretNames array = []

var allTags = union(tags, { application: 'acumatica-zendesk' })

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { location: location, namePrefix: namePrefix, tags: allTags }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: { location: location, namePrefix: namePrefix, tags: allTags }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: { location: location, namePrefix: namePrefix, principalId: identity.outputs.principalId, tags: allTags }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: { location: location, namePrefix: namePrefix, principalId: identity.outputs.principalId, tags: allTags }
}

module postgresql 'modules/postgresql.bicep' = {
  name: 'postgresql'
  params: {
    location: location
    namePrefix: namePrefix
    principalId: identity.outputs.principalId
    principalName: identity.outputs.name
    tags: allTags
  }
}

module registryPull 'modules/registry-pull.bicep' = if (!empty(containerRegistryName)) {
  name: 'registry-pull'
  params: { registryName: containerRegistryName, principalId: identity.outputs.principalId }
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  params: {
    location: location
    namePrefix: namePrefix
    tags: allTags
    workspaceName: monitoring.outputs.workspaceName
    appInsightsName: monitoring.outputs.appInsightsName
    identityClientId: identity.outputs.clientId
    keyVaultName: keyVault.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    identityName: identity.outputs.name
    postgresHost: postgresql.outputs.host
    postgresDatabaseName: postgresql.outputs.databaseName
    // SyncCronSchedule.For: every replica's binding fires at the start of each slot (never @every, which counts
    // from each sidecar's start).
    syncSchedule: 'CRON_TZ=UTC 0 */${syncIntervalMinutes} * * * *'
  }
}

var registryServer = empty(containerRegistryName) ? '' : registryPull!.outputs.loginServer

module syncWorker 'modules/container-app.bicep' = {
  name: 'sync-worker'
  params: {
    location: location
    tags: allTags
    name: '${namePrefix}-sync-worker'
    daprAppId: 'sync-worker'
    environmentId: environment.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    image: syncWorkerImage
    registryServer: registryServer
    ingress: 'internal'
    minReplicas: syncWorkerReplicas
    maxReplicas: syncWorkerReplicas
    settings: {
      SyncSchedule__Interval: '00:${padLeft(string(syncIntervalMinutes), 2, '0')}:00'
    }
  }
}

module webhookReceiver 'modules/container-app.bicep' = {
  name: 'webhook-receiver'
  params: {
    location: location
    tags: allTags
    name: '${namePrefix}-webhook-receiver'
    daprAppId: 'webhook-receiver'
    environmentId: environment.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    image: webhookReceiverImage
    registryServer: registryServer
    ingress: 'external'
    minReplicas: webhookReceiverMinReplicas
    maxReplicas: webhookReceiverMaxReplicas
    concurrentRequestsPerReplica: 50
    cpu: '0.25'
    memory: '0.5Gi'
  }
}

@description('Public webhook base URL: point Zendesk and Acumatica webhooks at https://<this>/webhooks/...')
output webhookReceiverFqdn string = webhookReceiver.outputs.fqdn

@description('Internal FQDN of the sync-worker operator API (inside the environment only).')
output syncWorkerFqdn string = syncWorker.outputs.fqdn

@description('Key Vault for tenant and system secrets (names: letters, digits and "-").')
output keyVaultName string = keyVault.outputs.name

output identityPrincipalId string = identity.outputs.principalId
output environmentName string = environment.outputs.name

@description('The Dapr runtime release of the environment (chosen by Azure, not by this template): it should be of the line of deploy/DAPR_RUNTIME_VERSION.')
output daprVersion string = environment.outputs.daprVersion

@description('Secrets to create in the Key Vault before the apps can start (the names the apps read).')
output keyVaultSecretsToCreate array = keyVaultSecretNames

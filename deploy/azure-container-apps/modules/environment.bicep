// Container Apps environment with Dapr, and the Dapr components under the SAME names as
// components/*.yaml (AcumaticaZendesk.Contracts.DaprNames). Every component is scoped and authenticates with a
// user-assigned identity (azureClientId), so no secret is stored here. Components are per environment and carry one
// identity each, so each app has a secret store of its own: connector-secrets (the worker's vault, the worker's
// identity, sync-worker only) and webhook-secrets (the receiver's vault, the receiver's identity, webhook-receiver
// only; the receiver reads it through Connectors__Secrets__StoreName). State and pub/sub, which both apps load, use
// the shared identity.

param location string
param namePrefix string
param tags object = {}

@description('Log Analytics workspace that receives the apps\' logs.')
param workspaceName string

@description('Application Insights that receives the Dapr sidecars\' traces.')
param appInsightsName string

@description('Client id of the identity of the components both apps load (connector-state, connector-pubsub).')
param sharedIdentityClientId string

@description('Name of that identity: the PostgreSQL role the sidecars sign in as (Microsoft Entra token, no password).')
param sharedIdentityName string

@description('Client id of sync-worker\'s identity, the only reader of keyVaultName.')
param syncWorkerIdentityClientId string

@description('Client id of webhook-receiver\'s identity, the only reader of webhookKeyVaultName.')
param webhookReceiverIdentityClientId string

@description('The worker\'s vault (every secret but the webhook ones).')
param keyVaultName string

@description('The receiver\'s vault (only the webhook secrets it checks).')
param webhookKeyVaultName string

param serviceBusNamespaceName string

param postgresHost string
param postgresDatabaseName string

@description('Dapr cron schedule of sync-cron: wall-clock aligned, e.g. "CRON_TZ=UTC 0 */5 * * * *" (main.bicep derives it from syncIntervalMinutes).')
param syncSchedule string

var syncWorker = 'sync-worker'
var webhookReceiver = 'webhook-receiver'
var bothApps = [syncWorker, webhookReceiver]

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' existing = {
  name: workspaceName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource environment 'Microsoft.App/managedEnvironments@2026-01-01' = {
  name: 'cae-${namePrefix}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    daprAIConnectionString: appInsights.properties.ConnectionString
    workloadProfiles: [{ name: 'Consumption', workloadProfileType: 'Consumption' }]
  }
}

// Tenants, watermarks, leases, audit trail; also the workflow (actor) store, as on Kubernetes: state.postgresql v2.
// The connection string holds no password: useAzureAD signs in with the identity's Entra token.
resource stateStore 'Microsoft.App/managedEnvironments/daprComponents@2026-01-01' = {
  parent: environment
  name: 'connector-state'
  properties: {
    componentType: 'state.postgresql'
    version: 'v2'
    metadata: [
      {
        name: 'connectionString'
        value: 'host=${postgresHost} user=${sharedIdentityName} port=5432 database=${postgresDatabaseName} sslmode=require'
      }
      { name: 'useAzureAD', value: 'true' }
      { name: 'azureClientId', value: sharedIdentityClientId }
      { name: 'actorStateStore', value: 'true' }
      { name: 'timeout', value: '20s' }
      { name: 'tablePrefix', value: 'connector_' }
    ]
    scopes: bothApps
  }
}

// The worker's secrets: only sync-worker loads it, with its own identity.
resource secretStore 'Microsoft.App/managedEnvironments/daprComponents@2026-01-01' = {
  parent: environment
  name: 'connector-secrets'
  properties: {
    componentType: 'secretstores.azure.keyvault'
    version: 'v1'
    metadata: [
      { name: 'vaultName', value: keyVaultName }
      { name: 'azureClientId', value: syncWorkerIdentityClientId }
    ]
    scopes: [syncWorker]
  }
}

// The receiver's webhook secrets: only webhook-receiver loads it, with its own identity, which may read only this
// vault. (Container Apps has no Dapr Configuration, so no allowedSecrets: the vault holds nothing else instead.)
resource webhookSecretStore 'Microsoft.App/managedEnvironments/daprComponents@2026-01-01' = {
  parent: environment
  name: 'webhook-secrets'
  properties: {
    componentType: 'secretstores.azure.keyvault'
    version: 'v1'
    metadata: [
      { name: 'vaultName', value: webhookKeyVaultName }
      { name: 'azureClientId', value: webhookReceiverIdentityClientId }
    ]
    scopes: [webhookReceiver]
  }
}

resource pubSub 'Microsoft.App/managedEnvironments/daprComponents@2026-01-01' = {
  parent: environment
  name: 'connector-pubsub'
  properties: {
    componentType: 'pubsub.azure.servicebus.topics'
    version: 'v1'
    metadata: [
      { name: 'namespaceName', value: '${serviceBusNamespaceName}.servicebus.windows.net' }
      { name: 'azureClientId', value: sharedIdentityClientId }
      { name: 'maxDeliveryCount', value: '10' }
      { name: 'lockDurationInSec', value: '60' }
      // The handler's context (the lock is renewed meanwhile): above the inbound delivery window below (about 81 s),
      // as processingTimeout is on Redis (PubSubRetryWindowTests).
      { name: 'handlerTimeoutInSec', value: '120' }
    ]
    scopes: bothApps
  }
}

// Fires on every sync-worker replica at the same wall-clock moment (the start of each slot); the tenant's
// lease keeps each slot to one run, so the extra ticks start nothing (docs/deploy.md, "Scaling").
resource syncCron 'Microsoft.App/managedEnvironments/daprComponents@2026-01-01' = {
  parent: environment
  name: 'sync-cron'
  properties: {
    componentType: 'bindings.cron'
    version: 'v1'
    metadata: [
      { name: 'schedule', value: syncSchedule }
      { name: 'direction', value: 'input' }
    ]
    scopes: [syncWorker]
  }
}

// The sidecar resiliency policy of components/resiliency.yaml (connector-resiliency), expressed as
// Container Apps component policies (a preview API; the stable ones have no resiliency type).
resource stateResiliency 'Microsoft.App/managedEnvironments/daprComponents/resiliencyPolicies@2025-10-02-preview' = {
  parent: stateStore
  name: 'connector-resiliency'
  properties: {
    outboundPolicy: {
      timeoutPolicy: { responseTimeoutInSeconds: 10 }
      // 1 + maxRetries attempts stay below the breaker's 5 consecutive errors (see stateRetry in components/resiliency.yaml).
      httpRetryPolicy: {
        maxRetries: 3
        retryBackOff: { initialDelayInMilliseconds: 500, maxIntervalInMilliseconds: 15000 }
      }
      circuitBreakerPolicy: { consecutiveErrors: 5, timeoutInSeconds: 30, intervalInSeconds: 60 }
    }
  }
}

resource pubSubResiliency 'Microsoft.App/managedEnvironments/daprComponents/resiliencyPolicies@2025-10-02-preview' = {
  parent: pubSub
  name: 'connector-resiliency'
  properties: {
    outboundPolicy: {
      httpRetryPolicy: {
        maxRetries: 10
        retryBackOff: { initialDelayInMilliseconds: 1000, maxIntervalInMilliseconds: 60000 }
      }
      circuitBreakerPolicy: { consecutiveErrors: 5, timeoutInSeconds: 30, intervalInSeconds: 60 }
    }
    // Deliveries to the app: resiliency.yaml's pubsubDelivery timeout and pubsubDeliveryRetry; after them daprd hands
    // the message to the subscription's dead-letter topic.
    inboundPolicy: {
      timeoutPolicy: { responseTimeoutInSeconds: 15 }
      httpRetryPolicy: {
        maxRetries: 4
        retryBackOff: { initialDelayInMilliseconds: 500, maxIntervalInMilliseconds: 10000 }
      }
    }
  }
}

// Container Apps runs the Dapr release Azure rolls out (read-only here); compare it with deploy/DAPR_RUNTIME_VERSION.
output daprVersion string = environment.properties.daprConfiguration.version
output id string = environment.id
output name string = environment.name
output defaultDomain string = environment.properties.defaultDomain
output componentNames array = [stateStore.name, secretStore.name, webhookSecretStore.name, pubSub.name, syncCron.name]

@description('The secret store component webhook-receiver reads (its Connectors__Secrets__StoreName).')
output webhookSecretStoreName string = webhookSecretStore.name

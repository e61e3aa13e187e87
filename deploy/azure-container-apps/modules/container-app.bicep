// One Dapr-enabled container app. Used for both apps; only the receiver gets external ingress. Each app carries
// its own identity and the shared one of the components both apps load (a component has one azureClientId).

param location string
param tags object = {}

@description('Container app resource name.')
@maxLength(32)
param name string

@description('Dapr app id (DaprNames.AppIds).')
param daprAppId string

param environmentId string

@description('The app\'s own user-assigned identity: its secret store, AcrPull and AZURE_CLIENT_ID.')
param identityId string
param identityClientId string

@description('The identity of the Dapr components both apps load (state store and pub/sub), assigned to this app too.')
param sharedIdentityId string

@description('Full image reference, e.g. myregistry.azurecr.io/acumatica-zendesk/sync-worker:1.0.0.')
param image string

@description('Registry login server pulled from with the identity; empty for a public registry.')
param registryServer string = ''

@description('none: no ingress; internal: reachable only inside the environment; external: public.')
@allowed(['none', 'internal', 'external'])
param ingress string

param minReplicas int
param maxReplicas int

@description('HTTP scale rule: concurrent requests per replica; 0 = no rule (fixed minReplicas..maxReplicas).')
param concurrentRequestsPerReplica int = 0

@description('Environment variables added to the fixed ones, as { name: value }.')
param settings object = {}

param cpu string = '0.5'
param memory string = '1Gi'

var appPort = 8080
var alivePath = '/alive'
var healthPath = '/health'

resource app 'Microsoft.App/containerApps@2026-01-01' = {
  name: name
  location: location
  tags: union(tags, { 'dapr-app-id': daprAppId })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {}, '${sharedIdentityId}': {} }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      dapr: {
        enabled: true
        appId: daprAppId
        appPort: appPort
        appProtocol: 'http'
        enableApiLogging: false
        logLevel: 'info'
      }
      ingress: ingress == 'none'
        ? null
        : {
            external: ingress == 'external'
            targetPort: appPort
            transport: 'auto'
            allowInsecure: false
          }
      registries: empty(registryServer) ? [] : [{ server: registryServer, identity: identityId }]
    }
    template: {
      containers: [
        {
          name: daprAppId
          image: image
          resources: { cpu: json(cpu), memory: memory }
          env: [
            { name: 'ASPNETCORE_ENVIRONMENT', value: 'Production' }
            { name: 'ASPNETCORE_HTTP_PORTS', value: string(appPort) }
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            // /metrics is unauthenticated: an app with a public ingress does not serve it (metrics go out over OTLP).
            { name: 'Metrics__Prometheus', value: ingress == 'external' ? 'false' : 'true' }
            ...map(items(settings), s => { name: s.key, value: s.value })
          ]
          probes: [
            {
              type: 'Startup'
              httpGet: { path: alivePath, port: appPort }
              periodSeconds: 2
              failureThreshold: 30
            }
            {
              type: 'Liveness'
              httpGet: { path: alivePath, port: appPort }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: { path: healthPath, port: appPort }
              periodSeconds: 10
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: concurrentRequestsPerReplica > 0
          ? [
              {
                name: 'http-concurrency'
                http: { metadata: { concurrentRequests: string(concurrentRequestsPerReplica) } }
              }
            ]
          : []
      }
    }
  }
}

output name string = app.name
output fqdn string = ingress == 'none' ? '' : app.properties.configuration.ingress.fqdn

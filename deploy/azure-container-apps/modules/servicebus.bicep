// Service Bus namespace behind the Dapr pub/sub connector-pubsub (topics need the Standard tier).
// Dapr creates the topics and one subscription per app id, hence Data Owner for the identity.

param location string
param namePrefix string
param principalId string
param tags object = {}

@allowed(['Standard', 'Premium'])
param sku string = 'Standard'

@description('Azure Service Bus Data Owner')
var dataOwnerRoleId = '090c5cfd-751d-490a-894a-3ce6f1109419'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: 'sb-${namePrefix}-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  sku: { name: sku, tier: sku }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

// daprd publishes what a subscription cannot take to this topic (DaprNames.Topics.DeadLetters). Nothing subscribes
// to it through Dapr, and Service Bus discards what a topic without subscriptions receives: this subscription keeps
// the messages for operators (Service Bus Explorer) for 14 days.
resource deadLetters 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: 'dead-letters'
  properties: {}
}

resource deadLettersKept 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: deadLetters
  name: 'operators'
  properties: {
    defaultMessageTimeToLive: 'P14D'
    deadLetteringOnMessageExpiration: false
    maxDeliveryCount: 10
  }
}

resource dataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, principalId, dataOwnerRoleId)
  scope: namespace
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataOwnerRoleId)
  }
}

output name string = namespace.name

// Azure Database for PostgreSQL flexible server behind the Dapr state store connector-state, which is also the
// workflow (actor) store. Dapr supports state.postgresql v2 for workflows; Cosmos DB it does not (a workflow step is
// one actor transaction, a ContinueAsNew deletes its whole history in it, and Cosmos DB caps a transaction at 100
// operations: components-contrib state/azure/cosmosdb/cosmosdb.go). Microsoft Entra authentication only: the
// user-assigned identity is the server's administrator and the sidecars sign in with it (useAzureAD), so no password
// exists. Dapr creates its tables (prefix connector_) on first start.

param location string
param namePrefix string
param tags object = {}

@description('Object (principal) id of the identity the Dapr sidecars sign in with.')
param principalId string

@description('Name of that identity: the PostgreSQL role Entra creates for it, and the user in the connection string.')
param principalName string

param databaseName string = 'connector'

@description('Compute of the server; Burstable B1ms suits a few tenants, raise it with the tenants\' volume.')
param skuName string = 'Standard_B1ms'

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param skuTier string = 'Burstable'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'psql-${namePrefix}-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  sku: { name: skuName, tier: skuTier }
  properties: {
    version: '16'
    storage: { storageSizeGB: 32, autoGrow: 'Enabled' }
    backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: subscription().tenantId
    }
    network: { publicNetworkAccess: 'Enabled' }
  }
}

// Container Apps on the Consumption profile has no fixed outbound address: admit Azure's own addresses (0.0.0.0);
// only Entra tokens of the identity get in.
resource azureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

resource administrator 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: principalId
  properties: {
    principalType: 'ServicePrincipal'
    principalName: principalName
    tenantId: subscription().tenantId
  }
  dependsOn: [azureServices]
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
  dependsOn: [administrator]
}

output host string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name

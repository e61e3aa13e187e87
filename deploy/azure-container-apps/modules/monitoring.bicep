// Log Analytics for the Container Apps environment (console and system logs) and a
// workspace-based Application Insights that receives the Dapr sidecars' traces.

@description('Azure region.')
param location string

@description('Prefix of every resource name.')
param namePrefix string

@description('Days to keep logs.')
@minValue(30)
param retentionInDays int = 30

param tags object = {}

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: 'log-${namePrefix}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${namePrefix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: false
  }
}

output workspaceName string = workspace.name
output appInsightsName string = appInsights.name

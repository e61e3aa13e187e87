using System.Globalization;
using System.Text.Json;
using AcumaticaZendesk.Acumatica.Json;
using AcumaticaZendesk.Acumatica.Model;
using AcumaticaZendesk.Acumatica.Reading;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Connectors.Acumatica;

/// <summary>
/// The entity sets a tenant reads (the client's sets plus the fields its <c>field:</c> and <c>attribute:</c>
/// mappings need) and the translation of the client's DTOs into the core's source records.
/// </summary>
internal static class AcumaticaRecordMapper
{
    private const string AttributesDetail = "Attributes";

    public static AcumaticaEntitySet<T> ForTenant<T>(AcumaticaEntitySet<T> baseSet, TenantConfig tenant, EntityKind kind)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
    {
        var mappings = ExternalIdsOrganizationKind(kind) ? tenant.Mapping.Organization : tenant.Mapping.User;
        var fields = new List<string>();
        var attributes = false;
        foreach (var mapping in mappings)
        {
            var source = mapping.Source.Trim();
            if (source.StartsWith("attribute:", StringComparison.OrdinalIgnoreCase))
                attributes = true;
            else if (source.StartsWith("field:", StringComparison.OrdinalIgnoreCase)
                && source[6..] is var name
                && !name.Contains('.', StringComparison.Ordinal))
                fields.Add(name); // "View.Field" custom fields arrive in `custom` when the record carries them
        }

        if (fields.Count == 0 && !attributes)
            return baseSet;

        var select = baseSet.Select.Concat(fields).ToList();
        var expand = baseSet.Expand.ToList();
        if (attributes)
        {
            select.AddRange([$"{AttributesDetail}/AttributeID", $"{AttributesDetail}/Value"]);
            expand.Add(AttributesDetail);
        }

        return baseSet with
        {
            Select = select.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
            Expand = expand.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
        };
    }

    public static AcumaticaAccount ToAccount(AcumaticaCustomer c) => new()
    {
        Kind = EntityKind.Customer,
        Key = RequireKey(c, "Customer", "CustomerID"),
        LastModifiedDateTime = RequireModified(c, "Customer"),
        Name = Text(c.CustomerName) ?? RequireKey(c, "Customer", "CustomerID"),
        ClassId = Text(c.CustomerClass),
        Status = Text(c.Status),
        Email = Text(c.Email) ?? Text(c.MainContact?.Email),
        Website = Text(c.MainContact?.WebSite),
        Phone = Text(c.MainContact?.Phone1),
        Note = Text(c.Note),
        ParentAccount = Text(c.ParentRecord),
        Attributes = Attributes(c),
        Fields = Fields(c),
    };

    public static AcumaticaAccount ToAccount(AcumaticaVendor v) => new()
    {
        Kind = EntityKind.Vendor,
        Key = RequireKey(v, "Vendor", "VendorID"),
        LastModifiedDateTime = RequireModified(v, "Vendor"),
        Name = Text(v.VendorName) ?? Text(v.LegalName) ?? RequireKey(v, "Vendor", "VendorID"),
        ClassId = Text(v.VendorClass),
        Status = Text(v.Status),
        Email = Text(v.MainContact?.Email),
        Website = Text(v.MainContact?.WebSite),
        Phone = Text(v.MainContact?.Phone1),
        Note = Text(v.Note),
        Attributes = Attributes(v),
        Fields = Fields(v),
    };

    public static AcumaticaPerson ToPerson(AcumaticaContact c) => new()
    {
        Kind = EntityKind.Contact,
        Key = RequireKey(c, "Contact", "ContactID"),
        LastModifiedDateTime = RequireModified(c, "Contact"),
        FirstName = Text(c.FirstName),
        LastName = Text(c.LastName),
        DisplayName = Text(c.DisplayName),
        Email = Text(c.Email),
        Phone = Text(c.Phone1),
        BusinessAccount = Text(c.BusinessAccount),
        Status = Text(c.Status),
        Active = c.Active?.Value ?? !string.Equals(Text(c.Status), "Inactive", StringComparison.OrdinalIgnoreCase),
        Note = Text(c.Note),
        Attributes = Attributes(c),
        Fields = Fields(c),
    };

    public static AcumaticaPerson ToPerson(AcumaticaEmployee e) => new()
    {
        Kind = EntityKind.Employee,
        Key = RequireKey(e, "Employee", "EmployeeID"),
        LastModifiedDateTime = RequireModified(e, "Employee"),
        FirstName = Text(e.ContactInfo?.FirstName),
        LastName = Text(e.ContactInfo?.LastName),
        DisplayName = Text(e.EmployeeName) ?? Text(e.ContactInfo?.DisplayName),
        Email = Text(e.ContactInfo?.Email),
        Phone = Text(e.ContactInfo?.Phone1),
        Status = Text(e.Status),
        Active = !string.Equals(Text(e.Status), "Inactive", StringComparison.OrdinalIgnoreCase),
        Note = Text(e.Note),
        Attributes = Attributes(e),
        Fields = Fields(e),
    };

    /// <summary>A row the client refused, as a failed record of the page (key, else id, else row number).</summary>
    public static RefusedAcumaticaRecord Refused(EntityKind kind, AcumaticaRejectedRecord refusal) => new()
    {
        Kind = kind,
        Key = refusal.Key ?? refusal.Id?.ToString() ?? string.Create(CultureInfo.InvariantCulture, $"row-{refusal.Position}"),
        LastModifiedDateTime = refusal.LastModified ?? DateTimeOffset.MinValue,
        Code = refusal.Code,
        Reason = refusal.Reason,
    };

    private static bool ExternalIdsOrganizationKind(EntityKind kind) => kind is EntityKind.Customer or EntityKind.Vendor;

    private static string? Text(AcumaticaValue<string?>? value) => value?.Value is { } s && s.Trim() is { Length: > 0 } t ? t : null;

    private static string RequireKey(IAcumaticaTrackedEntity entity, string entityName, string keyField) =>
        entity.Key is { } key && key.Trim() is { Length: > 0 } trimmed
            ? trimmed
            : throw new InvalidOperationException($"Acumatica returned a {entityName} record without {keyField}; the connector cannot track it.");

    private static DateTimeOffset RequireModified(IAcumaticaTrackedEntity entity, string entityName) =>
        entity.LastModified ?? throw new InvalidOperationException(
            $"Acumatica returned {entityName} '{entity.Key}' without LastModifiedDateTime; incremental reads need it (check the endpoint's field list).");

    /// <summary>The <c>Attributes</c> detail (expanded only for tenants mapping <c>attribute:ID</c>).</summary>
    private static Dictionary<string, string?> Attributes(AcumaticaEntity entity)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (entity.AdditionalFields?.TryGetValue(AttributesDetail, out var lines) != true || lines.ValueKind != JsonValueKind.Array)
            return result;
        foreach (var line in lines.EnumerateArray())
        {
            if (line.ValueKind == JsonValueKind.Object && Unwrap(line, "AttributeID") is { } id)
                result[id] = Unwrap(line, "Value") ?? Unwrap(line, "ValueDescription");
        }

        return result;
    }

    /// <summary>Other selected fields (<c>field:Name</c> mappings) and custom fields (<c>field:View.Field</c>).</summary>
    private static Dictionary<string, string?> Fields(AcumaticaEntity entity)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, element) in entity.AdditionalFields ?? [])
        {
            if (name != AttributesDetail && element.ValueKind == JsonValueKind.Object && element.TryGetProperty("value", out var v))
                result[name] = Scalar(v);
        }

        foreach (var (view, fields) in entity.Custom ?? [])
        {
            foreach (var (field, value) in fields)
                result[$"{view}.{field}"] = value.Value is { } v ? Scalar(v) : null;
        }

        return result;
    }

    private static string? Unwrap(JsonElement line, string field) =>
        line.TryGetProperty(field, out var wrapped)
            && wrapped.ValueKind == JsonValueKind.Object
            && wrapped.TryGetProperty("value", out var v) ? Scalar(v) : null;

    private static string? Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => bool.TrueString,
        JsonValueKind.False => bool.FalseString,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => v.GetRawText(),
    } is { } s ? s.ToString(CultureInfo.InvariantCulture) : null;
}

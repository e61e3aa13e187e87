using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;

namespace AcumaticaZendesk.Sandbox.Acumatica;

/// <summary>Breaks a rendered record the way <see cref="AcumaticaRecordFault"/> says (entity API answers only).</summary>
internal static class AcuRecordTamper
{
    public const int OversizedLength = 1024 * 1024;
    public const int ExtraFields = 20_000;

    /// <summary>The field a fault targets: the record's name (LastName for contacts, Summary for activities).</summary>
    public static string NameField(AcuEntityDef def) => def.Name switch
    {
        "Customer" => "CustomerName",
        "Vendor" => "VendorName",
        "Employee" => "EmployeeName",
        "Activity" => "Summary",
        _ => "LastName",
    };

    public static JsonObject Apply(JsonObject rendered, AcuEntityDef def, AcumaticaRecordFault fault)
    {
        var name = NameField(def);
        switch (fault)
        {
            case AcumaticaRecordFault.WrongType:
                rendered[name] = new JsonObject { ["value"] = new JsonArray(1, 2, 3) };
                break;
            case AcumaticaRecordFault.MissingKey:
                rendered.Remove(def.KeyField);
                break;
            case AcumaticaRecordFault.InvalidDate:
                rendered["LastModifiedDateTime"] = new JsonObject { ["value"] = "not a date" };
                break;
            case AcumaticaRecordFault.BrokenWrapping:
                rendered[name] = rendered[name]?["value"]?.DeepClone() ?? JsonValue.Create("unwrapped");
                break;
            case AcumaticaRecordFault.OversizedName:
                rendered[name] = new JsonObject { ["value"] = new string('X', OversizedLength) };
                break;
            case AcumaticaRecordFault.TooManyFields:
                for (var i = 0; i < ExtraFields; i++)
                {
                    rendered[$"Extra{i:D5}"] = new JsonObject { ["value"] = i };
                }

                break;
        }

        return rendered;
    }
}

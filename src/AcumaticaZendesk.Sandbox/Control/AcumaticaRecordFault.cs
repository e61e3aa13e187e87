using System.Text.Json.Serialization;

namespace AcumaticaZendesk.Sandbox.Control;

/// <summary>
/// How a stored Acumatica record is rendered broken by the entity API (<see cref="SandboxControl.BreakAcumaticaRecord"/>);
/// the stored record itself stays intact (the control API shows it as it is).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<AcumaticaRecordFault>))]
public enum AcumaticaRecordFault
{
    /// <summary>The name field (e.g. CustomerName) holds an array instead of a string: <c>{"value":[1,2,3]}</c>.</summary>
    WrongType,

    /// <summary>The key field (e.g. CustomerID) is missing (the record's <c>id</c> is still there, as the API always sends it).</summary>
    MissingKey,

    /// <summary><c>LastModifiedDateTime</c> is <c>{"value":"not a date"}</c>.</summary>
    InvalidDate,

    /// <summary>The name field is not wrapped: <c>"CustomerName":"text"</c> instead of <c>{"value":"text"}</c>.</summary>
    BrokenWrapping,

    /// <summary>The name field is 1 MiB long.</summary>
    OversizedName,

    /// <summary>The record carries 20,000 extra fields.</summary>
    TooManyFields,
}

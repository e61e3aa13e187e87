using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AcumaticaZendesk.Acumatica.Json;

/// <summary>
/// A contract-based field: <c>{"value": …}</c>, with an optional per-field <c>error</c> (422 responses).
/// An empty wrapper <c>{}</c> reads as <see cref="Value"/> = null. Use a nullable type argument
/// (<c>AcumaticaValue&lt;int?&gt;</c>, <c>AcumaticaValue&lt;string?&gt;</c>) so "empty" is representable.
/// A property that is absent from the JSON stays null and is not written.
/// </summary>
[JsonConverter(typeof(AcumaticaValueConverterFactory))]
public sealed record AcumaticaValue<T>(T Value, string? Error = null)
{
    public static implicit operator AcumaticaValue<T>(T value) => new(value);

    public override string ToString() => Error is null ? $"{Value}" : $"{Value} (error: {Error})";
}

/// <summary>Reads and writes <see cref="AcumaticaValue{T}"/> wrappers.</summary>
public sealed class AcumaticaValueConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(AcumaticaValue<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(AcumaticaValueConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]), options)!;

    /// <summary>One per wrapped type and options; reads the wrapped value with that type's contract, looked up once.</summary>
    private sealed class AcumaticaValueConverter<T>(JsonSerializerOptions options) : JsonConverter<AcumaticaValue<T>>
    {
        private readonly JsonTypeInfo<T> _value = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));

        public override AcumaticaValue<T>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
                return null;
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new JsonException($"Expected an Acumatica value wrapper {{\"value\": …}} but found {reader.TokenType}.");

            T value = default!;
            string? error = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "value":
                        value = reader.TokenType == JsonTokenType.Null ? default! : ReadValue(ref reader);
                        break;
                    case "error":
                        error = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                        break;
                    default:
                        reader.Skip(); // tolerate unknown wrapper members (e.g. "type" on custom fields)
                        break;
                }
            }

            return new AcumaticaValue<T>(value, error);
        }

        /// <summary>The wrapped value; a value of the wrong type fails with a fresh exception, so the serializer reports the field's path.</summary>
        private T ReadValue(ref Utf8JsonReader reader)
        {
            var token = reader.TokenType;
            try
            {
                return JsonSerializer.Deserialize(ref reader, _value)!;
            }
            catch (JsonException)
            {
                var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
                throw new JsonException($"The value is a JSON {token} that cannot be read as {type.Name}.");
            }
        }

        public override void Write(Utf8JsonWriter writer, AcumaticaValue<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            if (value.Value is not null)
            {
                writer.WritePropertyName("value");
                JsonSerializer.Serialize(writer, value.Value, options);
            }

            if (value.Error is not null)
                writer.WriteString("error", value.Error);
            writer.WriteEndObject();
        }
    }
}

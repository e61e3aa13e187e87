using System.Buffers.Binary;

namespace AcumaticaZendesk.Testing.Mutation;

/// <summary>
/// The mutant Stryker 5.1.0 has switched on: a little-endian 32-bit id at the start of the file named by
/// <c>STRYKER_MUTANT_FILE</c> (Stryker memory-maps it and writes the id before each run; -1 means none).
/// </summary>
internal static class ActiveMutant
{
    public const string FileVariable = "STRYKER_MUTANT_FILE";

    public static int Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> id = stackalloc byte[sizeof(int)];
            return stream.ReadAtLeast(id, id.Length, throwOnEndOfStream: false) == id.Length ? BinaryPrimitives.ReadInt32LittleEndian(id) : -1;
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }
}

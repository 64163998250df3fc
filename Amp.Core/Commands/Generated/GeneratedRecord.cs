using Amp.Descriptors;

namespace Amp.Generated;

/// <summary>The generated description of the record <typeparamref name="T"/>, if its assembly's generated code registered one.</summary>
internal static class GeneratedRecord<T>
    where T : class
{
    private static volatile Registration? s_registration;

    public static void Set(Func<T> factory, FieldDescriptor<T>[] fields) => s_registration = new Registration(factory, fields);

    public static bool TryGet(out Func<T> factory, out FieldDescriptor<T>[] fields)
    {
        Registration? registration = s_registration;
        if (registration is null)
        {
            ReflectionFallback.EnsureRegistered(typeof(T));
            registration = s_registration;
        }

        factory = registration?.Factory!;
        fields = registration?.Fields!;
        return registration is not null;
    }

    private sealed record Registration(Func<T> Factory, FieldDescriptor<T>[] Fields);
}

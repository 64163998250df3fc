Console.WriteLine("Amp.NET samples: coming with the connection layer.");

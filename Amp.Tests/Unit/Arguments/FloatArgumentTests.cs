using Amp.Commands.Arguments;

namespace Amp.Tests.Unit.Arguments;

// Every vector below was printed by Python 3.11: repr(float) for writes, float(bytes) for reads
// (value given as IEEE-754 bits). The random doubles come from random.seed(20240601) bit patterns.
public sealed class FloatArgumentTests
{
    private static readonly object[][] ReprVectors =
    [
        new object[] { 0x0000000000000000UL, "0.0" },
        new object[] { 0x8000000000000000UL, "-0.0" },
        new object[] { 0x3FF0000000000000UL, "1.0" },
        new object[] { 0xBFF0000000000000UL, "-1.0" },
        new object[] { 0x4059000000000000UL, "100.0" },
        new object[] { 0x3FB999999999999AUL, "0.1" },
        new object[] { 0x3F1A36E2EB1C432DUL, "0.0001" },
        new object[] { 0x3EE4F8B588E368F1UL, "1e-05" },
        new object[] { 0x4341C37937E08000UL, "1e+16" },
        new object[] { 0x3EE4F8B588E368F1UL, "1e-05" },
        new object[] { 0x7E41EB2D66005835UL, "1.5e+300" },
        new object[] { 0x0000000000000001UL, "5e-324" },
        new object[] { 0x437B69B4BA630F35UL, "1.2345678901234568e+17" },
        new object[] { 0x4480F0CF064DD592UL, "1e+22" },
        new object[] { 0x430C6BF526340000UL, "1000000000000000.0" },
        new object[] { 0x430C6BF526340000UL, "1000000000000000.0" },
        new object[] { 0x4340000000000000UL, "9007199254740992.0" },
        new object[] { 0x3FD5555555555555UL, "0.3333333333333333" },
        new object[] { 0x3FF3BE76C8B43958UL, "1.234" },
        new object[] { 0x419D6F3454000000UL, "123456789.0" },
        new object[] { 0x3E7AD7F29ABCAF48UL, "1e-07" },
        new object[] { 0x0010000000000000UL, "2.2250738585072014e-308" },
        new object[] { 0x8010000000000000UL, "-2.2250738585072014e-308" },
        new object[] { 0x7FEFFFFFFFFFFFFFUL, "1.7976931348623157e+308" },
        new object[] { 0x3FD3333333333333UL, "0.3" },
        new object[] { 0x4004000000000000UL, "2.5" },
        new object[] { 0x444B1AE4D6E2EF50UL, "1e+21" },
        new object[] { 0x3F1A36E2EB1C432DUL, "0.0001" },
        new object[] { 0x4341C37937E08000UL, "1e+16" },
        new object[] { 0x3FF0000000000001UL, "1.0000000000000002" },
        new object[] { 0x405EDD2F1A9FBE77UL, "123.456" },
        new object[] { 0xC05ED9999999999AUL, "-123.4" },
        new object[] { 0x54B249AD2594C37DUL, "1e+100" },
        new object[] { 0x4011666666666666UL, "4.35" },
        new object[] { 0x3F50624DD2F1A9FCUL, "0.001" },
        new object[] { 0x4345EE2A2EB5A5C4UL, "1.2345678901234568e+16" },
        new object[] { 0x7FF0000000000000UL, "inf" },
        new object[] { 0xFFF0000000000000UL, "-inf" },
        new object[] { 0x7FF8000000000000UL, "nan" },
    ];

    private static readonly object[][] RandomReprVectors =
    [
        new object[] { 0x416882321E35049EUL, "12849552.943971928" },
        new object[] { 0xC8F429A479C8C292UL, "-2.810265474256143e+43" },
        new object[] { 0xBFF8532D4242AADBUL, "-1.5203068340585364" },
        new object[] { 0x515C61236C88C537UL, "8.614354442467737e+83" },
        new object[] { 0xC181B64633BE40F5UL, "-37144774.46789733" },
        new object[] { 0x60C40EB788718C96UL, "1.376905966291804e+158" },
        new object[] { 0x40E5BF07DA1B1950UL, "44536.24537424988" },
        new object[] { 0x6A5D670AF9A3638EUL, "2.3046315439163635e+204" },
        new object[] { 0x42994DB7E48F12B9UL, "6955397096388.681" },
        new object[] { 0x5625871B82B9BFBCUL, "9.874779171896421e+106" },
        new object[] { 0x4330B29C0CF197F4UL, "4699982929172468.0" },
        new object[] { 0xB4A3165DE1AB3E01UL, "-3.892215651960722e-55" },
        new object[] { 0x3F1CB70F964E03C0UL, "0.00010953934322623007" },
        new object[] { 0xF2ADCC0EE683ACDFUL, "-2.5432001102460185e+244" },
        new object[] { 0xC08F02BB83D8E92DUL, "-992.3415600725326" },
        new object[] { 0xB039EE169646A718UL, "-2.239361282907897e-76" },
        new object[] { 0x434AB03D8DE49EB1UL, "1.5024255629081954e+16" },
        new object[] { 0x5E9ECBA7A6A86BD5UL, "6.152697053474033e+147" },
        new object[] { 0x41549874428474C1UL, "5398993.039334477" },
        new object[] { 0x94A2DE50FF542939UL, "-2.8696480509335243e-209" },
        new object[] { 0xBFB25C12903C3AD2UL, "-0.0717174150597473" },
        new object[] { 0x0CE64264764AE4D4UL, "1.5917906484752295e-246" },
        new object[] { 0xC1DF125B959BA169UL, "-2085187158.4317267" },
        new object[] { 0x4E5AC63A43514E2EUL, "2.887337660350333e+69" },
        new object[] { 0x403DD41A347A2E47UL, "29.82852485640458" },
        new object[] { 0x398BDEDF23263C49UL, "1.7176578652178512e-31" },
        new object[] { 0xC2D2B204A30354EFUL, "-82223165082963.73" },
        new object[] { 0x67C8765C57810CE8UL, "8.719375264419009e+191" },
        new object[] { 0x4162D1AFF1067DBDUL, "9866623.532042379" },
        new object[] { 0xF89C8D33A37F115CUL, "-9.653528230532226e+272" },
        new object[] { 0x43201B2F4A7CE6E5UL, "2266744777241458.5" },
        new object[] { 0x1B39320448410FE3UL, "1.5544023441874205e-177" },
        new object[] { 0x4183796D40618823UL, "40840616.04762294" },
        new object[] { 0x04943815C5871829UL, "1.3278394721885693e-286" },
        new object[] { 0x3FEE49411098D6A9UL, "0.9464421581421522" },
        new object[] { 0x9B19CDEC60C9E347UL, "-3.979936478258974e-178" },
        new object[] { 0x438B86486A2A1812UL, "2.479190383391545e+17" },
        new object[] { 0x32474E228935B28FUL, "1.7288768976359387e-66" },
        new object[] { 0x3ECBD8ABEF8D8E8EUL, "3.319546405243702e-06" },
        new object[] { 0x6D33CE50DCFE4BCCUL, "1.0924257505679557e+218" },
        new object[] { 0xBFE2FFE4ED2261F1UL, "-0.5937370902566369" },
        new object[] { 0xABE7020E89E0B958UL, "-3.3661303232240464e-97" },
        new object[] { 0xC04D6DA33F0279A1UL, "-58.85654437657218" },
        new object[] { 0xC10C2788A8E1F980UL, "-230641.08246226236" },
        new object[] { 0xC12D4D25C8EC9FEBUL, "-960146.892430303" },
        new object[] { 0x6BD33D83D703D5B0UL, "2.530163894834648e+211" },
        new object[] { 0xC12AD2D97D3109BFUL, "-878956.7445147558" },
        new object[] { 0x26B8E5BA2D10A9F2UL, "3.766303194632279e-122" },
        new object[] { 0x43A9F75F10C01D5DUL, "9.355343478714979e+17" },
        new object[] { 0xEF605ABFFD39265BUL, "-3.0994439397620415e+228" },
        new object[] { 0xC1119E4F8CA4C608UL, "-288659.88734731125" },
        new object[] { 0x40FC275E69B5220DUL, "115317.90080750753" },
        new object[] { 0xC0CD2EBEF476092FUL, "-14941.491835360035" },
        new object[] { 0x36225FADC2D14E0AUL, "6.285913290558095e-48" },
        new object[] { 0x423417C42F62323BUL, "86298079074.19621" },
        new object[] { 0x2E3D6A6340ED367EUL, "5.9147803353002586e-86" },
        new object[] { 0x412F9CCDAD9A6F2DUL, "1035878.839068865" },
        new object[] { 0x8CC334F49713B936UL, "-3.4337595071722216e-247" },
        new object[] { 0xC3064AC5248FCFF2UL, "-784332508756478.2" },
        new object[] { 0x769799BACBEBB741UL, "1.857879539846099e+263" },
        new object[] { 0x41FD78EE9FF29D16UL, "7911434751.163351" },
        new object[] { 0x5C9CB0AD168AFE5EUL, "1.3345987563062847e+138" },
        new object[] { 0xBFA93884670C22F0UL, "-0.049259316996602354" },
        new object[] { 0xDAC1D38D0E1908E5UL, "-1.544582464013273e+129" },
        new object[] { 0x40C642BD65FEB06CUL, "11397.479675136703" },
        new object[] { 0x4D0D21A3710EFC3FUL, "1.4979953669761758e+63" },
        new object[] { 0xBEF82E5B770E5F35UL, "-2.3060877939323077e-05" },
        new object[] { 0xD077E1BEF230B77BUL, "-4.42452130538853e+79" },
        new object[] { 0xBE59370D036FCBE0UL, "-2.3483338131663735e-08" },
        new object[] { 0x7D66C01F47376EB4UL, "1.1624017815353555e+296" },
        new object[] { 0x3EC75E632205DAD7UL, "2.785766142372882e-06" },
        new object[] { 0x8163718715CE2FD8UL, "-5.670587757014518e-302" },
        new object[] { 0x42845968FAC19BD7UL, "2796780738611.48" },
        new object[] { 0xF9D97768A736357EUL, "-9.028679803976194e+278" },
        new object[] { 0x4316173A14F69A60UL, "1554496928720536.0" },
        new object[] { 0x76067AE6AC125000UL, "3.456401326348284e+260" },
        new object[] { 0xC24DD6F65D04C969UL, "-256321042953.57352" },
        new object[] { 0x58CAA18CA7E567E3UL, "5.3725025031324325e+119" },
        new object[] { 0xBF24F4BF5D4A47ECUL, "-0.0001598819350375197" },
        new object[] { 0x24B99AA4E600B110UL, "9.018017223717599e-132" },
        new object[] { 0x3E35AF54A30A6E7AUL, "5.048905780135452e-09" },
        new object[] { 0x7E6B74A0934C4538UL, "9.193401602166176e+300" },
        new object[] { 0xC1DE5EFD1D23E7FEUL, "-2038166644.5610347" },
        new object[] { 0x5A26FE7A34BEA62DUL, "1.9456454994079972e+126" },
        new object[] { 0xC33DD0968B79EC1AUL, "-8392119328304154.0" },
        new object[] { 0x509C253003678F48UL, "2.0857592999671978e+80" },
        new object[] { 0xC257B4EF51FB5227UL, "-407279323117.2836" },
        new object[] { 0xBD703358D3A71489UL, "-9.208960215641435e-13" },
        new object[] { 0x41DD7A9D851D62B5UL, "1978299924.4591496" },
        new object[] { 0xDDA7E515E33A2538UL, "-1.4569093923171344e+143" },
        new object[] { 0x3FE36FF5150FB7FDUL, "0.6074166690211765" },
        new object[] { 0x2689AE92B29BC6B3UL, "4.8562313823627564e-123" },
        new object[] { 0xC3A0BB6C65CE110AUL, "-6.028382548782298e+17" },
        new object[] { 0x8A6E83734BC9404EUL, "-1.9845655405218892e-258" },
        new object[] { 0xBEDBB873540B742EUL, "-6.609084551381862e-06" },
        new object[] { 0x8A6189A7936CD613UL, "-1.1406350122900388e-258" },
        new object[] { 0xC2D5CD545FDD3A16UL, "-95886512190696.34" },
        new object[] { 0x50B7C84FCFDA60DCUL, "7.049783392363535e+80" },
        new object[] { 0xBF32FEA90E30277EUL, "-0.00028983714418073087" },
        new object[] { 0x2C0188BB717EAFFFUL, "1.026112861612981e-96" },
        new object[] { 0xBED1737B5B0F5645UL, "-4.160666706239768e-06" },
        new object[] { 0xB31F4E8B092469AEUL, "-1.9025659258923798e-62" },
        new object[] { 0x3ED946848F841A8AUL, "6.026139310450133e-06" },
        new object[] { 0xDE065C4329C739A0UL, "-8.725443218850247e+144" },
        new object[] { 0x3F8D95E1AD61682BUL, "0.014446032622959923" },
        new object[] { 0x8F808C2A63C7FE35UL, "-5.204348134211381e-234" },
        new object[] { 0xC31C08C8493544ECUL, "-1972738915651899.0" },
        new object[] { 0xE639167B87847FF4UL, "-2.665019127642213e+184" },
        new object[] { 0xBFDF55204CB9D2A2UL, "-0.4895706891323163" },
        new object[] { 0xF12E90595EA39278UL, "-1.5548727729577764e+237" },
        new object[] { 0x40AAFCB7751F5F5FUL, "3454.358315449135" },
        new object[] { 0x0748850FE676F5D2UL, "1.4164146523224777e-273" },
        new object[] { 0xBF60608FFAAAD081UL, "-0.0019991695492880828" },
        new object[] { 0x90A70B103F185558UL, "-1.8998372682446966e-228" },
        new object[] { 0xC28BC4009ED88E2AUL, "-3816079743761.7705" },
        new object[] { 0x2D0497366CDFD84FUL, "7.896995642981566e-92" },
        new object[] { 0xC1369B08EA4F0468UL, "-1481480.915268207" },
        new object[] { 0x43986ACD366E180FUL, "4.3986105952514963e+17" },
        new object[] { 0xC084CFA49C3EAE22UL, "-665.9553761383906" },
        new object[] { 0x9E1E266C642B5DFCUL, "-1.3089136621307011e-163" },
        new object[] { 0x428B14BFAE1591F0UL, "3721991144114.242" },
        new object[] { 0xC76CA69148CB821CUL, "-1.190101621165544e+36" },
        new object[] { 0xC19EF1335C080031UL, "-129780951.00781323" },
        new object[] { 0xFB12493A5BC0FD02UL, "-6.797915168706077e+284" },
        new object[] { 0x4083FFC1819A4670UL, "639.969485478663" },
        new object[] { 0xAC3CAB0A9729D072UL, "-1.3421490798312657e-95" },
        new object[] { 0x42088A4792D5907CUL, "13174895194.695549" },
        new object[] { 0xA4BED9C0727125B1UL, "-1.0865892917166616e-131" },
        new object[] { 0xC1BD045047240C55UL, "-486821959.1408132" },
        new object[] { 0xC5EE21F7A4A08A97UL, "-7.460491446434525e+28" },
        new object[] { 0xC0906895512CF3B8UL, "-1050.145817472816" },
        new object[] { 0xC7D325E8EC7C8BC9UL, "-1.0180868463639489e+38" },
        new object[] { 0x3F4DEAD79D20DE26UL, "0.0009130051423715299" },
        new object[] { 0xA2D637A54EFF06E9UL, "-7.287769203654305e-141" },
        new object[] { 0x435B23A5310BB556UL, "3.0556067082458456e+16" },
        new object[] { 0x39CE32FA96AB8FADUL, "2.9778647377745456e-30" },
        new object[] { 0xBEB3F92B8A8060E7UL, "-1.1905026813305092e-06" },
        new object[] { 0xA85F021A55D69771UL, "-3.147881779452272e-114" },
        new object[] { 0xC18FFD17327C7383UL, "-67085030.310767196" },
        new object[] { 0xBA18AAF13BE9898DUL, "-7.783767367686817e-29" },
        new object[] { 0xC199F2E0044CC6E7UL, "-108836865.0749775" },
        new object[] { 0xA8BE297CB9E2F88BUL, "-1.9596685440121212e-112" },
        new object[] { 0xC133C3A9F079D3B1UL, "-1295273.9393589313" },
        new object[] { 0x38B04807E8AB4B4BUL, "1.2248741924871445e-35" },
        new object[] { 0x4231C20FC3887EF2UL, "76270257032.49588" },
        new object[] { 0x2D55E081B4BAFEA8UL, "2.684903385399387e-90" },
        new object[] { 0x3E79F41162DE90A9UL, "9.668391306880571e-08" },
        new object[] { 0x787551E9BE883278UL, "1.802116014300612e+272" },
        new object[] { 0xC08BB63D427841FCUL, "-886.7799119372498" },
        new object[] { 0xDA50C324AF85F504UL, "-1.1346743574250495e+127" },
        new object[] { 0x42E7099C4E16B9B1UL, "202640356062669.53" },
        new object[] { 0xB5ED4573BD385458UL, "-6.2588232330414495e-49" },
        new object[] { 0x3EC8CABEFDE2C389UL, "2.9554339412086686e-06" },
        new object[] { 0xEB890ED2CD985EC7UL, "-1.0297498513645255e+210" },
        new object[] { 0xC0AFB4ED7D3DCE6BUL, "-4058.4638461412883" },
        new object[] { 0xEF0B3463827103E2UL, "-8.055820668292979e+226" },
        new object[] { 0xC2CD47D9D11BFCC8UL, "-64388868487161.56" },
        new object[] { 0x2E3F5B04D9319EA5UL, "6.304861795172722e-86" },
        new object[] { 0xC062AA770DAB202BUL, "-149.32703288481693" },
        new object[] { 0xF8A38355FB7142C1UL, "-1.3195043101137367e+273" },
        new object[] { 0xC1A488CDCA8E6256UL, "-172254949.278094" },
        new object[] { 0x8E7E003B52756F14UL, "-7.198761906823445e-239" },
        new object[] { 0xBEDC77D3C5322D58UL, "-6.787318017075057e-06" },
        new object[] { 0x0571267628126738UL, "1.845331046640077e-282" },
        new object[] { 0x42E6276B210E33D5UL, "194868454912414.66" },
        new object[] { 0x56940D3D0F4704BCUL, "1.1773075428242756e+109" },
        new object[] { 0xC03CFDB77BC37EC4UL, "-28.991080985287013" },
        new object[] { 0x046E36CBB997A621UL, "2.4802932823716765e-287" },
        new object[] { 0xC2B9C5D81D2F3E74UL, "-28337525043006.453" },
        new object[] { 0x8E0FD1467540AC12UL, "-5.9645719266038304e-241" },
        new object[] { 0xC1E379DB216FAD6AUL, "-2614024459.4899187" },
        new object[] { 0xB9754749D45B52D1UL, "-6.556934899150913e-32" },
        new object[] { 0xC15A502189EDE605UL, "-6897798.155145173" },
        new object[] { 0x1D3431037E7C3D9EUL, "5.350201536899048e-168" },
        new object[] { 0xBE6E98EA50240FF6UL, "-5.6991959611715053e-08" },
        new object[] { 0x096EDA5E95E94BC3UL, "3.061901975391559e-263" },
        new object[] { 0xC33B1CDE7D7AAAB4UL, "-7631566284696244.0" },
        new object[] { 0xA5556F2EB05A5B5EUL, "-7.730566035760278e-129" },
        new object[] { 0x43280ED3EB04DE69UL, "3385851392454452.5" },
        new object[] { 0x8F1C0D64EFC0807BUL, "-6.892745040659321e-236" },
        new object[] { 0xC051433CFE6AC1D1UL, "-69.05059776711938" },
        new object[] { 0x6AC6C53304EA2362UL, "2.2845253707682217e+206" },
        new object[] { 0x3F8BF166BB9CAD65UL, "0.013644030189957143" },
        new object[] { 0x6F95ABAA3D86D63CUL, "3.28554164298151e+229" },
        new object[] { 0x40A979D68056C865UL, "3260.9189478988287" },
        new object[] { 0xFC72C9288336AED0UL, "-2.929172331113862e+291" },
        new object[] { 0xC250FEF23E2FB6FAUL, "-291987060926.859" },
        new object[] { 0xCF8FBFF984AA41B3UL, "-1.7951110258671696e+75" },
        new object[] { 0xC1A40EB897E1FB07UL, "-168254539.9413683" },
        new object[] { 0x4D38A6625B620680UL, "1.0140396455946771e+64" },
        new object[] { 0x41C3520A56E5597CUL, "648287405.7917933" },
        new object[] { 0xE223388E4153402FUL, "-5.534288961210152e+164" },
        new object[] { 0xC036CBB74861ECE9UL, "-22.795765422732902" },
        new object[] { 0xEEBF1D7DBA72E694UL, "-2.879316240441537e+225" },
        new object[] { 0x417CD9CE2F9ADC07UL, "30252258.97530749" },
        new object[] { 0x917E4539D663209BUL, "-2.0444740423065615e-224" },
        new object[] { 0xBE6EE0B4BD34413FUL, "-5.751430589608037e-08" },
        new object[] { 0xDC2B16AE537F1C79UL, "-9.844520827137366e+135" },
        new object[] { 0xC21F80D7612BA9E8UL, "-33826396234.915924" },
        new object[] { 0x4C91E3AA88D0BA54UL, "7.186757584628305e+60" },
    ];

    private static readonly object[][] ParseVectors =
    [
        new object[] { "1", 0x3FF0000000000000UL },
        new object[] { "10.", 0x4024000000000000UL },
        new object[] { ".5", 0x3FE0000000000000UL },
        new object[] { "-123.40000000000001", 0xC05ED9999999999AUL },
        new object[] { "1e5", 0x40F86A0000000000UL },
        new object[] { "1E+05", 0x40F86A0000000000UL },
        new object[] { "1_0.5", 0x4025000000000000UL },
        new object[] { " 1.5 ", 0x3FF8000000000000UL },
        new object[] { "\u0009\u000A\u000D\u000B\u000C2\u000C", 0x4000000000000000UL },
        new object[] { "+inf", 0x7FF0000000000000UL },
        new object[] { "-inf", 0xFFF0000000000000UL },
        new object[] { "INF", 0x7FF0000000000000UL },
        new object[] { "Infinity", 0x7FF0000000000000UL },
        new object[] { "-Infinity", 0xFFF0000000000000UL },
        new object[] { "iNfInItY", 0x7FF0000000000000UL },
        new object[] { "nan", 0x7FF8000000000000UL },
        new object[] { "-nan", 0xFFF8000000000000UL },
        new object[] { "+NaN", 0x7FF8000000000000UL },
        new object[] { "1e400", 0x7FF0000000000000UL },
        new object[] { "-1e400", 0xFFF0000000000000UL },
        new object[] { "1e-400", 0x0000000000000000UL },
        new object[] { "-0", 0x8000000000000000UL },
        new object[] { "-0.0", 0x8000000000000000UL },
        new object[] { "0.1", 0x3FB999999999999AUL },
        new object[] { "1_000.000_1", 0x408F4000346DC5D6UL },
        new object[] { "1e1_0", 0x4202A05F20000000UL },
        new object[] { "4.9e-324", 0x0000000000000001UL },
        new object[] { "2.4e-324", 0x0000000000000000UL },
        new object[] { "2.5e-324", 0x0000000000000001UL },
        new object[] { "1.7976931348623157e308", 0x7FEFFFFFFFFFFFFFUL },
        new object[] { "1.7976931348623159e308", 0x7FF0000000000000UL },
        new object[] { "0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001e400", 0x3FB999999999999AUL },
        new object[] { "11111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111e-800", 0x3FBC71C71C71C71CUL },
        new object[] { "9007199254740993", 0x4340000000000000UL },
        new object[] { "1e99999999999999999999", 0x7FF0000000000000UL },
        new object[] { "-.5e-3", 0xBF40624DD2F1A9FCUL },
        new object[] { "00012.50", 0x4029000000000000UL },
    ];

    private static readonly object[][] SingleReprVectors =
    [
        new object[] { 0x3DCCCCCDU, "0.10000000149011612" },
        new object[] { 0x3F800000U, "1.0" },
        new object[] { 0x7F7FFFFFU, "3.4028234663852886e+38" },
        new object[] { 0x00000001U, "1.401298464324817e-45" },
        new object[] { 0x4B18967FU, "9999999.0" },
        new object[] { 0xC2F6E979U, "-123.45600128173828" },
        new object[] { 0x3EAAAAABU, "0.3333333432674408" },
        new object[] { 0x501502F9U, "10000000000.0" },
    ];

    private static readonly object[][] SingleParseVectors =
    [
        new object[] { "0.1", 0x3DCCCCCDU },
        new object[] { "1e39", 0x7F800000U },
        new object[] { "-1e39", 0xFF800000U },
        new object[] { "3.4028235e38", 0x7F7FFFFFU },
        new object[] { "1e-46", 0x00000000U },
        new object[] { "0.10000000149011612", 0x3DCCCCCDU },
    ];

    [TestCaseSource(nameof(ReprVectors))]
    [TestCaseSource(nameof(RandomReprVectors))]
    public void WritesPythonRepr(ulong bits, string expected)
    {
        double value = BitConverter.UInt64BitsToDouble(bits);
        Assert.That(Wire.WriteText(DoubleArgument.Instance, value), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(ReprVectors))]
    [TestCaseSource(nameof(RandomReprVectors))]
    public void ReadsPythonReprBackToTheSameBits(ulong bits, string text)
    {
        double value = Wire.Read(DoubleArgument.Instance, text);
        if (text == "nan")
        {
            Assert.That(double.IsNaN(value), Is.True);
            return;
        }

        Assert.That(BitConverter.DoubleToUInt64Bits(value), Is.EqualTo(bits));
    }

    [TestCaseSource(nameof(ParseVectors))]
    public void ReadsWhatPythonFloatAccepts(string text, ulong bits)
    {
        double value = Wire.Read(DoubleArgument.Instance, text);
        double expected = BitConverter.UInt64BitsToDouble(bits);
        if (double.IsNaN(expected))
        {
            Assert.That(double.IsNaN(value), Is.True);
            return;
        }

        Assert.That(BitConverter.DoubleToUInt64Bits(value), Is.EqualTo(bits), $"read {value:R}, expected {expected:R}");
    }

    [TestCase("")]
    [TestCase("  ")]
    [TestCase("0x1p3")]
    [TestCase("1,5")]
    [TestCase("1_")]
    [TestCase("_1")]
    [TestCase("1__0")]
    [TestCase("1._5")]
    [TestCase("1_.5")]
    [TestCase("1e")]
    [TestCase("e5")]
    [TestCase(".")]
    [TestCase(".e5")]
    [TestCase("1e+")]
    [TestCase("infinit")]
    [TestCase("infinityy")]
    [TestCase("nan(1)")]
    [TestCase("in f")]
    [TestCase("1 0")]
    [TestCase("1e_1")]
    [TestCase("++1")]
    [TestCase("+-1")]
    [TestCase("1.0.0")]
    [TestCase("\u001C1")]
    [TestCase("1d5")]
    [TestCase("0b1")]
    [TestCase("\u0661")]
    public void RejectsWhatPythonFloatRejects(string text)
    {
        Assert.That(() => Wire.Read(DoubleArgument.Instance, text), Throws.TypeOf<FormatException>());
        Assert.That(() => Wire.Read(SingleArgument.Instance, text), Throws.TypeOf<FormatException>());
    }

    [TestCaseSource(nameof(SingleReprVectors))]
    public void SingleIsWrittenAsItsWidenedDouble(uint bits, string expected) =>
        Assert.That(Wire.WriteText(SingleArgument.Instance, BitConverter.UInt32BitsToSingle(bits)), Is.EqualTo(expected));

    [TestCaseSource(nameof(SingleReprVectors))]
    public void SingleRoundTrips(uint bits, string text) =>
        Assert.That(BitConverter.SingleToUInt32Bits(Wire.Read(SingleArgument.Instance, text)), Is.EqualTo(bits));

    [TestCaseSource(nameof(SingleParseVectors))]
    public void SingleReadsADoubleAndRoundsIt(string text, uint bits) =>
        Assert.That(BitConverter.SingleToUInt32Bits(Wire.Read(SingleArgument.Instance, text)), Is.EqualTo(bits));

    [Test]
    public void TwistedFloatTestVector() =>
        Assert.That(Wire.WriteText(DoubleArgument.Instance, 1.234), Is.EqualTo("1.234"));

    [Test]
    public void NaNIsWrittenWithoutSign() =>
        Assert.That(Wire.WriteText(DoubleArgument.Instance, BitConverter.UInt64BitsToDouble(0xFFF8000000000001UL)), Is.EqualTo("nan"));

    [Test]
    public void RandomDoublesRoundTrip()
    {
        var random = new Random(12345);
        for (int i = 0; i < 10_000; i++)
        {
            double value = BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue));
            if (double.IsNaN(value))
            {
                continue;
            }

            byte[] bytes = Wire.Write(DoubleArgument.Instance, value);
            Assert.That(DoubleArgument.Instance.Read(bytes), Is.EqualTo(value), System.Text.Encoding.ASCII.GetString(bytes));
        }
    }
}

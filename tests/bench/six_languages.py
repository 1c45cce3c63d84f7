"""Names and sentence templates in six languages for `gen_stories.py` (written for this bench).

English, Vietnamese, Portuguese, Khmer, Thai and Chinese. Everything here is invented, news-like
text. The lists are parallel: index i of a list is the same thing in every language, so one
story (template numbers and values) renders in each language. People are written the way each
script usually writes them (Latin, Khmer, Thai or Chinese letters); organisations keep their
Latin names in every script, as news in Khmer, Thai and Chinese often does.
"""

# ruff: noqa: E501  (template sentences read better whole)

from __future__ import annotations

LANGS6 = ("en", "vi", "pt", "km", "th", "zh")

# People: where the name comes from, its Latin form (Vietnamese with diacritics), then its
# Khmer, Thai and Chinese forms.
# English text writes Vietnamese names without diacritics, as English-language news does.
PEOPLE = [
    ("vi", "Nguyễn Thị Lan", "ង្វៀន ធី ឡាន", "เหงียน ถิ ลาน", "阮氏兰"),
    ("vi", "Trần Minh Quân", "ត្រឹន មិញ ក្វឹន", "เจิ่น มินห์ ควน", "陈明军"),
    ("vi", "Phạm Văn Đức", "ផាម វ៉ាន់ ឌឹក", "ฝ่าม วัน ดึ๊ก", "范文德"),
    ("vi", "Lê Ngọc Hạnh", "លេ ង៉ុក ហាញ់", "เล หง็อก ฮั่ญ", "黎玉幸"),
    ("vi", "Đỗ Quang Huy", "ដូ ក្វាង ហ៊ុយ", "โด๋ กวาง ฮุย", "杜光辉"),
    ("km", "Sok Dara", "សុខ ដារ៉ា", "สก ดารา", "索·达拉"),
    ("km", "Chan Sophea", "ចាន់ សុភា", "จันทร์ โสภา", "詹·索比亚"),
    ("km", "Heng Vichet", "ហេង វិចិត្រ", "เฮง วิเชษฐ์", "兴·维切"),
    ("km", "Kim Bopha", "គឹម បុប្ផា", "คิม บุปผา", "金·宝法"),
    ("th", "Somchai Wongsakul", "សមឆៃ វង្សសកុល", "สมชาย วงศ์สกุล", "颂猜·旺萨军"),
    ("th", "Malee Chaiyaporn", "ម៉ាលី ឆៃយ៉ាពរ", "มาลี ชัยยาภรณ์", "玛丽·猜亚蓬"),
    ("th", "Anan Srisuk", "អានន្ទ ស្រីសុខ", "อนันต์ ศรีสุข", "阿南·西素"),
    ("zh", "Li Wei", "លី វ៉េ", "หลี่ เว่ย", "李伟"),
    ("zh", "Zhang Xiaomei", "ចាង ស៊ាវម៉ី", "จาง เสี่ยวเหมย", "张晓梅"),
    ("zh", "Wang Jianguo", "វ៉ាង ជានគួ", "หวัง เจี้ยนกั๋ว", "王建国"),
    ("pt", "João Ferreira", "ហ្សូអាវ ហ្វេរេរ៉ា", "ชูเอา เฟร์ไรรา", "若昂·费雷拉"),
    ("pt", "Ana Carvalho", "អាណា កាវ៉ាលហូ", "อานา การ์วัลยู", "安娜·卡瓦略"),
    ("pt", "Rui Duarte", "រូយ ឌូអាតេ", "รุย ดูอาร์ตี", "鲁伊·杜阿尔特"),
    ("pt", "Beatriz Nogueira", "បេអាទ្រីស ណូហ្គេរ៉ា", "เบียทริซ โนเกรา", "贝亚特丽斯·诺盖拉"),
    ("en", "Sarah Mitchell", "សារ៉ា មីតឆែល", "ซาราห์ มิตเชลล์", "莎拉·米切尔"),
    ("en", "David Okafor", "ដេវីដ អូកាហ្វ័រ", "เดวิด โอคาฟอร์", "戴维·奥卡福"),
    ("en", "Helen Brooks", "ហេឡែន ប្រ៊ុកស៍", "เฮเลน บรูกส์", "海伦·布鲁克斯"),
]  # fmt: skip

ORGS6 = [
    "Sunvale Energy", "Mekong Freight", "Amarin Foods", "Lotus Microchips", "Atlantica Bank",
    "Kampot Salt", "Saigon Metro Rail", "Tejo Telecom", "Jade River Pharma", "Andaman Air",
    "Pearl Delta Steel", "Verde Cacau", "Harbourline Logistics", "Angkor Cement", "Orchid Pay",
    "Cobalt Robotics", "Rio Claro Mining", "Bamboo Cloud",
]  # fmt: skip

# Places and countries: (en, vi, pt, km, th, zh). Portuguese countries carry their article and
# only follow "para"/"com" in the templates.
PLACES6 = [
    ("Hanoi", "Hà Nội", "Hanói", "ហាណូយ", "ฮานอย", "河内"),
    ("Ho Chi Minh City", "Thành phố Hồ Chí Minh", "Cidade de Ho Chi Minh", "ទីក្រុងហូជីមិញ",
     "นครโฮจิมินห์", "胡志明市"),
    ("Da Nang", "Đà Nẵng", "Da Nang", "ដាណាំង", "ดานัง", "岘港"),
    ("Phnom Penh", "Phnôm Pênh", "Phnom Penh", "ភ្នំពេញ", "พนมเปญ", "金边"),
    ("Siem Reap", "Xiêm Riệp", "Siem Reap", "សៀមរាប", "เสียมราฐ", "暹粒"),
    ("Bangkok", "Băng Cốc", "Banguecoque", "បាងកក", "กรุงเทพฯ", "曼谷"),
    ("Chiang Mai", "Chiang Mai", "Chiang Mai", "ឈៀងម៉ៃ", "เชียงใหม่", "清迈"),
    ("Lisbon", "Lisbon", "Lisboa", "លីសបោន", "ลิสบอน", "里斯本"),
    ("Porto", "Porto", "Porto", "ព័រតូ", "ปอร์โต", "波尔图"),
    ("São Paulo", "São Paulo", "São Paulo", "សៅប៉ូឡូ", "เซาเปาโล", "圣保罗"),
    ("Shanghai", "Thượng Hải", "Xangai", "សៀងហៃ", "เซี่ยงไฮ้", "上海"),
    ("Shenzhen", "Thâm Quyến", "Shenzhen", "សេនចិន", "เซินเจิ้น", "深圳"),
]  # fmt: skip
COUNTRIES6 = [
    ("Vietnam", "Việt Nam", "o Vietname", "វៀតណាម", "เวียดนาม", "越南"),
    ("Cambodia", "Campuchia", "o Camboja", "កម្ពុជា", "กัมพูชา", "柬埔寨"),
    ("Thailand", "Thái Lan", "a Tailândia", "ថៃ", "ไทย", "泰国"),
    ("Portugal", "Bồ Đào Nha", "Portugal", "ព័រទុយហ្គាល់", "โปรตุเกส", "葡萄牙"),
    ("Brazil", "Brazil", "o Brasil", "ប្រេស៊ីល", "บราซิล", "巴西"),
    ("China", "Trung Quốc", "a China", "ចិន", "จีน", "中国"),
    ("Japan", "Nhật Bản", "o Japão", "ជប៉ុន", "ญี่ปุ่น", "日本"),
]  # fmt: skip
PRODUCTS6 = [  # Portuguese ones are masculine ("o preço do ...")
    ("rice", "gạo", "arroz", "អង្ករ", "ข้าว", "大米"),
    ("coffee", "cà phê", "café", "កាហ្វេ", "กาแฟ", "咖啡"),
    ("steel", "thép", "aço", "ដែក", "เหล็ก", "钢材"),
    ("cement", "xi măng", "cimento", "ស៊ីម៉ងត៍", "ปูนซีเมนต์", "水泥"),
    ("cashews", "hạt điều", "caju", "ស្វាយចន្ទី", "เม็ดมะม่วงหิมพานต์", "腰果"),
    ("sugar", "đường", "açúcar", "ស្ករ", "น้ำตาล", "食糖"),
    ("maize", "ngô", "milho", "ពោត", "ข้าวโพด", "玉米"),
]  # fmt: skip
SECTORS6 = [
    ("energy", "năng lượng", "energia", "ថាមពល", "พลังงาน", "能源"),
    ("farming", "nông nghiệp", "agricultura", "កសិកម្ម", "เกษตร", "农业"),
    ("tourism", "du lịch", "turismo", "ទេសចរណ៍", "ท่องเที่ยว", "旅游"),
    ("education", "giáo dục", "educação", "អប់រំ", "การศึกษา", "教育"),
    ("health", "y tế", "saúde", "សុខាភិបាល", "สาธารณสุข", "医疗"),
    ("transport", "vận tải", "transportes", "ដឹកជញ្ជូន", "ขนส่ง", "交通运输"),
]  # fmt: skip
MONTHS6 = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "pt": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"],
    "km": ["មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា",
           "តុលា", "វិច្ឆិកា", "ធ្នូ"],
    "th": ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
           "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"],
}  # fmt: skip
QUARTERS_EN = ("first", "second", "third", "fourth")

# Placeholders: person, person2, org, org2, place, country, product, sector, date, year,
# quarter, small (2-11), big (a count), amount (millions of dollars), dec, pct.
TEMPLATES6 = {
    "en": [
        "{person} said {org} would invest {amount} million dollars in {place} by {year}.",
        "According to a report by {org}, about {pct}% of residents in {place} already use the service.",
        "On {date}, a delegation led by {person} visited {place}.",
        "The price of {product} in {place} rose {pct}% from the same period last year.",
        "Analysts at {org} expect the market to recover in the {quarter} quarter.",
        "The project, worth {amount} million dollars, is due to be finished in {year}.",
        "{person} called it an important step for the {sector} sector.",
        "In the first {small} months of the year, exports of {product} to {country} reached {big} tonnes.",
        "{person}, who chairs {org}, said the company would keep its plans unchanged.",
        "About {big} workers in {place} will be retrained for jobs in {sector}.",
        "A spokesperson for {org} declined to comment on the figure of {dec} million dollars cited in the report.",
        "The agreement signed on {date} in {place} covers {small} new projects in {country}.",
        "{org} and {org2} announced a joint venture worth {dec} million dollars.",
        "Officials in {place} said {big} households had been affected by the change.",
        "{person} met {person2} in {place} to discuss trade with {country}.",
    ],
    "vi": [
        "{person} cho biết {org} sẽ đầu tư {amount} triệu USD vào {place} trước năm {year}.",
        "Theo báo cáo của {org}, khoảng {pct}% người dân ở {place} đã sử dụng dịch vụ này.",
        "Ngày {date}, đoàn công tác do {person} dẫn đầu đã đến thăm {place}.",
        "Giá {product} tại {place} tăng {pct}% so với cùng kỳ năm ngoái.",
        "Các chuyên gia phân tích của {org} dự báo thị trường sẽ phục hồi vào quý {quarter}.",
        "Dự án có tổng vốn {amount} triệu USD, dự kiến hoàn thành vào năm {year}.",
        "{person} gọi đây là bước tiến quan trọng đối với ngành {sector}.",
        "Trong {small} tháng đầu năm, xuất khẩu {product} sang {country} đạt {big} tấn.",
        "{person}, chủ tịch {org}, khẳng định công ty sẽ giữ nguyên kế hoạch.",
        "Khoảng {big} lao động ở {place} sẽ được đào tạo lại để làm việc trong ngành {sector}.",
        "Người phát ngôn của {org} từ chối bình luận về con số {dec} triệu USD nêu trong báo cáo.",
        "Thỏa thuận ký ngày {date} tại {place} bao gồm {small} dự án mới ở {country}.",
        "{org} và {org2} công bố thành lập liên doanh trị giá {dec} triệu USD.",
        "Chính quyền {place} cho biết {big} hộ gia đình đã chịu ảnh hưởng bởi thay đổi này.",
        "{person} đã gặp {person2} tại {place} để bàn về thương mại với {country}.",
    ],
    "pt": [
        "{person} afirmou que a {org} vai investir {amount} milhões de dólares em {place} até {year}.",
        "Segundo um relatório da {org}, cerca de {pct}% dos moradores de {place} já usam o serviço.",
        "Em {date}, uma delegação liderada por {person} visitou {place}.",
        "O preço do {product} em {place} subiu {pct}% em relação ao mesmo período do ano passado.",
        "Os analistas da {org} esperam que o mercado se recupere no {quarter}.º trimestre.",
        "O projeto, orçado em {amount} milhões de dólares, deve ficar pronto em {year}.",
        "Para {person}, trata-se de um passo importante para o setor de {sector}.",
        "Nos primeiros {small} meses do ano, as exportações de {product} para {country} somaram {big} toneladas.",
        "{person}, presidente da {org}, garantiu que a empresa mantém os seus planos.",
        "Cerca de {big} trabalhadores de {place} vão receber formação para o setor de {sector}.",
        "Um porta-voz da {org} não comentou o valor de {dec} milhões de dólares citado no relatório.",
        "O acordo assinado em {date} em {place} prevê {small} novos projetos para {country}.",
        "A {org} e a {org2} anunciaram uma empresa conjunta avaliada em {dec} milhões de dólares.",
        "As autoridades de {place} disseram que {big} famílias foram afetadas pela mudança.",
        "{person} reuniu-se com {person2} em {place} para discutir o comércio com {country}.",
    ],
    "km": [
        "{person} បាននិយាយថា {org} នឹងវិនិយោគ {amount} លានដុល្លារនៅ{place} មុនឆ្នាំ{year}។",
        "យោងតាមរបាយការណ៍របស់ {org} ប្រជាជនប្រហែល {pct}% នៅ{place}បានប្រើសេវានេះរួចហើយ។",
        "នៅ{date} គណៈប្រតិភូដឹកនាំដោយ {person} បានទៅទស្សនា{place}។",
        "តម្លៃ{product}នៅ{place}បានកើនឡើង {pct}% បើធៀបនឹងរយៈពេលដូចគ្នាកាលពីឆ្នាំមុន។",
        "អ្នកវិភាគរបស់ {org} រំពឹងថាទីផ្សារនឹងងើបឡើងវិញនៅត្រីមាសទី{quarter}។",
        "គម្រោងនេះមានទុនសរុប {amount} លានដុល្លារ ហើយគ្រោងនឹងបញ្ចប់នៅឆ្នាំ{year}។",
        "{person} បាននិយាយថា នេះជាជំហានដ៏សំខាន់សម្រាប់វិស័យ{sector}។",
        "ក្នុងរយៈពេល {small} ខែដំបូងនៃឆ្នាំ ការនាំចេញ{product}ទៅកាន់{country}បានឈានដល់ {big} តោន។",
        "{person} ប្រធាន {org} បានអះអាងថាក្រុមហ៊ុននឹងរក្សាផែនការដដែល។",
        "កម្មករប្រហែល {big} នាក់នៅ{place}នឹងទទួលការបណ្តុះបណ្តាលឡើងវិញសម្រាប់វិស័យ{sector}។",
        "អ្នកនាំពាក្យ {org} មិនបានអត្ថាធិប្បាយលើតួលេខ {dec} លានដុល្លារនៅក្នុងរបាយការណ៍ទេ។",
        "កិច្ចព្រមព្រៀងដែលបានចុះហត្ថលេខានៅ{date} នៅ{place} គ្របដណ្តប់គម្រោងថ្មីចំនួន {small} នៅ{country}។",
        "{org} និង {org2} បានប្រកាសបង្កើតក្រុមហ៊ុនបណ្តាក់ទុនរួមគ្នាដែលមានតម្លៃ {dec} លានដុល្លារ។",
        "អាជ្ញាធរ{place}បាននិយាយថា គ្រួសារចំនួន {big} បានរងផលប៉ះពាល់ដោយការផ្លាស់ប្តូរនេះ។",
        "{person} បានជួបជាមួយ {person2} នៅ{place} ដើម្បីពិភាក្សាអំពីពាណិជ្ជកម្មជាមួយ{country}។",
    ],
    "th": [
        "{person} กล่าวว่า {org} จะลงทุน {amount} ล้านดอลลาร์ใน{place}ภายในปี {year}",
        "รายงานของ {org} ระบุว่า ประชาชนใน{place}ราว {pct}% ใช้บริการนี้แล้ว",
        "เมื่อวันที่ {date} คณะผู้แทนที่นำโดย {person} ได้เดินทางเยือน{place}",
        "ราคา{product}ใน{place}เพิ่มขึ้น {pct}% เมื่อเทียบกับช่วงเดียวกันของปีก่อน",
        "นักวิเคราะห์ของ {org} คาดว่าตลาดจะฟื้นตัวในไตรมาสที่ {quarter}",
        "โครงการนี้มีมูลค่า {amount} ล้านดอลลาร์ และคาดว่าจะแล้วเสร็จในปี {year}",
        "{person} ระบุว่านี่เป็นก้าวสำคัญของภาค{sector}",
        "ในช่วง {small} เดือนแรกของปี การส่งออก{product}ไปยัง{country}มีปริมาณ {big} ตัน",
        "{person} ประธาน {org} ยืนยันว่าบริษัทจะยังคงเดินหน้าตามแผนเดิม",
        "แรงงานราว {big} คนใน{place}จะได้รับการฝึกอบรมใหม่เพื่อทำงานในภาค{sector}",
        "โฆษกของ {org} ปฏิเสธที่จะแสดงความเห็นต่อตัวเลข {dec} ล้านดอลลาร์ที่ระบุในรายงาน",
        "ข้อตกลงที่ลงนามเมื่อวันที่ {date} ที่{place} ครอบคลุมโครงการใหม่ {small} โครงการใน{country}",
        "{org} และ {org2} ประกาศจัดตั้งกิจการร่วมค้ามูลค่า {dec} ล้านดอลลาร์",
        "เจ้าหน้าที่ใน{place}เปิดเผยว่ามี {big} ครัวเรือนได้รับผลกระทบจากการเปลี่ยนแปลงนี้",
        "{person} พบกับ {person2} ที่{place} เพื่อหารือเรื่องการค้ากับ{country}",
    ],
    "zh": [
        "{person}表示，{org}将于{year}年前在{place}投资{amount}百万美元。",
        "根据{org}的报告，{place}约有{pct}%的居民已经使用这项服务。",
        "{date}，由{person}率领的代表团访问了{place}。",
        "{place}的{product}价格较去年同期上涨{pct}%。",
        "{org}的分析师预计市场将在第{quarter}季度复苏。",
        "该项目总投资{amount}百万美元，预计于{year}年完工。",
        "{person}称，这是{sector}领域的重要一步。",
        "今年前{small}个月，{product}对{country}的出口量达到{big}吨。",
        "{org}董事长{person}强调，公司将维持原定计划。",
        "{place}约有{big}名工人将接受再培训，转入{sector}行业工作。",
        "{org}发言人拒绝就报告中提到的{dec}百万美元这一数字发表评论。",
        "{date}在{place}签署的协议涵盖{country}的{small}个新项目。",
        "{org}与{org2}宣布成立合资企业，价值{dec}百万美元。",
        "{place}官员表示，有{big}户家庭受到这一变化的影响。",
        "{person}在{place}会见了{person2}，双方讨论了与{country}的贸易。",
    ],
}  # fmt: skip

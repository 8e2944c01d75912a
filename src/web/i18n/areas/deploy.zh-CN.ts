/** Strings of the deployment areas (HTTPS trust, backups, visitors) in Simplified Chinese. */
export const deployZh = {
  'tls.title': '信任本网关（HTTPS）',
  'tls.off': 'HTTPS 未开启：局域网内的浏览器无法使用麦克风（对讲）。请在配置中设置 https.mode: auto。',
  'tls.intro': '手机、电视和值班电脑要先信任本网关的证书颁发机构（CA），才能通过 HTTPS 打开值班台并使用对讲。',
  'tls.download': '下载 CA 证书',
  'tls.scan': '用手机扫码下载',
  'tls.fingerprint': 'CA 指纹（SHA-256），安装时请核对',
  'tls.validTo': '服务器证书有效期至 {date}（到期前自动续期）',
  'tls.names': '证书包含的地址：{names}',
  'tls.howAndroid': '安卓手机：下载后打开“设置 → 安全 → 加密与凭据 → 安装证书 → CA 证书”，选择下载的文件。',
  'tls.howIos': '苹果手机：下载后在“设置 → 已下载描述文件”中安装，再到“通用 → 关于本机 → 证书信任设置”中打开完全信任。',
  'tls.howTv': '电视或电视盒：用其浏览器打开上面的下载地址并按提示安装；不能安装证书的电视墙请用值班电脑的浏览器。',
  'tls.howPc': '值班电脑：双击下载的文件，放入“受信任的根证书颁发机构”，然后重新打开浏览器。',
  'tls.loadFailed': '无法读取证书状态：{error}',
} as const;

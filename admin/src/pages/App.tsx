import { Page } from '@strapi/strapi/admin';
import { Navigate, Route, Routes } from 'react-router-dom';
import { ANY_PLUGIN_PERMISSION } from '../permissions';
import { ProtectTab, useAllowedTabs } from '../components/PluginPage';
import { CommissionDetailPage } from './commissions/CommissionDetailPage';
import { CommissionsPage } from './commissions/CommissionsPage';
import { HealthPage } from './health/HealthPage';
import { MerchantsPage } from './merchants/MerchantsPage';
import { PreviewPage } from './preview/PreviewPage';
import { PubRefsPage } from './pub-refs/PubRefsPage';
import { SettingsPage } from './settings/SettingsPage';

/** Opens the first page the role may use. */
const FirstAllowedTab = () => {
  const { tabs, isLoading } = useAllowedTabs();
  if (isLoading) return <Page.Loading />;
  return <Navigate to={tabs[0] ?? 'merchants'} replace />;
};

const App = () => (
  <Page.Protect permissions={ANY_PLUGIN_PERMISSION}>
    <Routes>
      <Route index element={<FirstAllowedTab />} />
      <Route
        path="merchants"
        element={
          <ProtectTab tab="merchants">
            <MerchantsPage />
          </ProtectTab>
        }
      />
      <Route
        path="preview"
        element={
          <ProtectTab tab="preview">
            <PreviewPage />
          </ProtectTab>
        }
      />
      <Route
        path="pub-refs"
        element={
          <ProtectTab tab="pub-refs">
            <PubRefsPage />
          </ProtectTab>
        }
      />
      <Route
        path="commissions"
        element={
          <ProtectTab tab="commissions">
            <CommissionsPage />
          </ProtectTab>
        }
      />
      <Route
        path="commissions/:transactionId"
        element={
          <ProtectTab tab="commissions">
            <CommissionDetailPage />
          </ProtectTab>
        }
      />
      <Route
        path="health"
        element={
          <ProtectTab tab="health">
            <HealthPage />
          </ProtectTab>
        }
      />
      <Route
        path="settings"
        element={
          <ProtectTab tab="settings">
            <SettingsPage />
          </ProtectTab>
        }
      />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  </Page.Protect>
);

export default App;
